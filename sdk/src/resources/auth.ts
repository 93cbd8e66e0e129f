import type { BodyOf, QueryOf, ResponseOf } from "../types.js";
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

  /** Changes the signed-in user's name or language (`locale`). */
  updateMe(body: BodyOf<"/v1/auth/me", "patch">, x: CallExtras = {}) {
    return this.call("patch", "/v1/auth/me", { body, ...x });
  }

  /** Changes the password (the current one, and `code` when 2FA is on): every other session ends, this client's stays. */
  changePassword(body: BodyOf<"/v1/auth/password", "post">, x: CallExtras = {}) {
    return this.call("post", "/v1/auth/password", { body, ...x });
  }

  /** The signed-in user's sessions (devices): list them, end one, or end all but this client's. */
  readonly sessions = {
    /** One page: `{ sessions, pagination }`, newest first; `current` marks this client's. */
    list: (query: NonNullable<QueryOf<"/v1/auth/sessions", "get">> = {}, x: CallExtras = {}) => this.call("get", "/v1/auth/sessions", { query, ...x }),
    /** Ends one of the user's sessions (this client's own is a logout on the server; call `logout` to forget the tokens too). */
    end: (sessionId: string, x: CallExtras = {}) => this.call("delete", "/v1/auth/sessions/{sessionId}", { path: { sessionId }, ...x }),
    /** Ends every session of the user but this client's. */
    endOthers: (x: CallExtras = {}) => this.call("post", "/v1/auth/sessions/revoke-others", { ...x }),
  };

  readonly twoFactor = {
    setup: (x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/setup", { ...x }),
    enable: (body: BodyOf<"/v1/auth/2fa/enable", "post">, x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/enable", { body, ...x }),
    verify: (body: BodyOf<"/v1/auth/2fa/verify", "post">, x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/verify", { body, ...x }),
    disable: (body: BodyOf<"/v1/auth/2fa/disable", "post">, x: CallExtras = {}) => this.call("post", "/v1/auth/2fa/disable", { body, ...x }),
  };
}
