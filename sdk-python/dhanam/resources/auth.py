"""Registration, login, tokens and two-factor authentication."""
from __future__ import annotations

from typing import Optional

from .._case import camelize
from .base import JSON, Resource


class Auth(Resource):
    def register(self, *, name: str, email: str, password: str, locale: str = "en") -> JSON:
        """Creates a user and signs this client in as them."""
        res = self._call("POST", "/v1/auth/register", body={"name": name, "email": email, "password": password, "locale": locale}, auth=False)
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

    def two_factor_setup(self) -> JSON:
        return self._call("POST", "/v1/auth/2fa/setup")

    def two_factor_enable(self, *, code: str, password: str) -> JSON:
        return self._call("POST", "/v1/auth/2fa/enable", body={"code": code, "password": password})

    def two_factor_verify(self, *, code: str) -> JSON:
        return self._call("POST", "/v1/auth/2fa/verify", body={"code": code})

    def two_factor_disable(self, *, code: str, password: str) -> None:
        self._call("POST", "/v1/auth/2fa/disable", body={"code": code, "password": password})
