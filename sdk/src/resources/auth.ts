import type { BodyOf, ResponseOf } from "../types.js";
import { Resource, type CallExtras } from "./base.js";

/** Registration, login, tokens and two-factor authentication. */
export class AuthResource extends Resource {
  /** Creates a user and signs this client in as them. */
  async register(body: BodyOf<"/v1/auth/register", "post">, x: CallExtras = {}): Promise<ResponseOf<"/v1/auth/register", "post">> {
    const res = await this.call("post", "/v1/auth/register", { body, auth: false, ...x });
    this.http.setTokens(res.tokens);
    return res;
  }

  /** Logs in with email and password (and `totpCode` when 2FA is on); the client keeps the tokens. */
  async login(body: BodyOf<"/v1/auth/login", "post">, x: CallExtras = {}): Promise<ResponseOf<"/v1/auth/login", "post">> {
    const res = await this.call("post", "/v1/auth/login", { body, auth: false, ...x });
    this.http.setTokens(res.tokens);
    return res;
  }

  /** Rotates the refresh token now (the client also does this by itself when the access token expires). */
  refresh(): Promise<void> {
    return this.http.refresh();
  }

  /** Ends the session server-side and forgets the tokens. */
  async logout(x: CallExtras = {}): Promise<void> {
    await this.call("post", "/v1/auth/logout", { ...x });
    this.http.setTokens(undefined);
  }

  me(x: CallExtras = {}) {
    return this.call("get", "/v1/auth/me", { ...x });
  }

  readonly twoFactor = {
    setup: (x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/setup", { ...x }),
    enable: (body: BodyOf<"/v1/auth/2fa/enable", "post">, x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/enable", { body, ...x }),
    verify: (body: BodyOf<"/v1/auth/2fa/verify", "post">, x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/verify", { body, ...x }),
    disable: (body: BodyOf<"/v1/auth/2fa/disable", "post">, x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/disable", { body, ...x }),
  };
}
