"""Registration, login, tokens and two-factor authentication."""
from __future__ import annotations

from typing import Optional

from .._case import camelize
from .base import JSON, Resource


class Auth(Resource):
    def register(self, *, name: str, email: str, password: str, locale: Optional[str] = None) -> JSON:
        """Creates a user and signs this client in as them. Without ``locale`` none is sent and the server
        chooses (from the request's Accept-Language, else English)."""
        body = {"name": name, "email": email, "password": password}
        if locale is not None:
            body["locale"] = locale
        res = self._call("POST", "/v1/auth/register", body=body, auth=False)
        self._http.set_tokens(res["tokens"])
        return res

    def login(self, *, email: str, password: str, totp_code: Optional[str] = None) -> JSON:
        """Logs in; the client keeps (and from then on refreshes) the tokens."""
        res = self._call("POST", "/v1/auth/login", body=camelize({"email": email, "password": password, "totp_code": totp_code}), auth=False)
        self._http.set_tokens(res["tokens"])
        return res

    def refresh(self) -> None:
        """Rotates the refresh token now (the client also does this itself when the access token expires)."""
        self._http.refresh()

    def logout(self) -> None:
        self._call("POST", "/v1/auth/logout")
        self._http.set_tokens(None)

    def me(self) -> JSON:
        return self._call("GET", "/v1/auth/me")

    def update_me(self, *, name: Optional[str] = None, locale: Optional[str] = None) -> JSON:
        """Changes the signed-in user's name or language."""
        return self._call("PATCH", "/v1/auth/me", body=camelize({"name": name, "locale": locale}))

    def change_password(self, *, current_password: str, new_password: str, code: Optional[str] = None) -> JSON:
        """Changes the password (the current one, and ``code`` when 2FA is on): every other session ends, this client's stays."""
        body = camelize({"current_password": current_password, "new_password": new_password, "code": code})
        return self._call("POST", "/v1/auth/password", body=body)

    def sessions(self, *, limit: Optional[int] = None, offset: Optional[int] = None) -> JSON:
        """One page of the signed-in user's sessions, ``{sessions, pagination}``, newest first; ``current`` marks this client's."""
        return self._call("GET", "/v1/auth/sessions", query={"limit": limit, "offset": offset})

    def end_session(self, session_id: str) -> None:
        """Ends one of the user's sessions (this client's own is a logout on the server)."""
        self._call("DELETE", "/v1/auth/sessions/{sessionId}", path_params={"sessionId": session_id})

    def end_other_sessions(self) -> JSON:
        """Ends every session of the user but this client's."""
        return self._call("POST", "/v1/auth/sessions/revoke-others")

    def two_factor_setup(self) -> JSON:
        return self._call("POST", "/v1/auth/2fa/setup")

    def two_factor_enable(self, *, code: str, password: str) -> JSON:
        return self._call("POST", "/v1/auth/2fa/enable", body={"code": code, "password": password})

    def two_factor_verify(self, *, code: str) -> JSON:
        return self._call("POST", "/v1/auth/2fa/verify", body={"code": code})

    def two_factor_disable(self, *, code: str, password: str) -> None:
        self._call("POST", "/v1/auth/2fa/disable", body={"code": code, "password": password})
