"""One namespace per API area, with snake_case methods and arguments.

Keyword arguments are sent as the API's camelCase fields (``space_id`` ->
``spaceId``); responses are returned as the API sends them (camelCase dicts).
Money: pass amounts as ``decimal.Decimal`` or strings (sent exactly); read the
``*Decimal`` string fields of responses for exact values.
"""
from .._case import camel, camelize
from .accounts import Accounts
from .analytics import Analytics
from .assets import Assets
from .auth import Auth
from .base import Resource
from .catalog import Budgets, Categories, Ml, Trades
from .defi import Defi
from .esg import Esg
from .gaming import Gaming
from .households import Households
from .ledger import Ledger
from .lifebeat import LifeBeat
from .projections import Projections
from .providers import Providers
from .rates import Rates
from .spaces import Spaces
from .transactions import Transactions
from .webhooks import Webhooks

__all__ = [
    "camel",
    "camelize",
    "Resource",
    "Auth",
    "Spaces",
    "Accounts",
    "Transactions",
    "Categories",
    "Budgets",
    "Trades",
    "Ml",
    "Ledger",
    "Providers",
    "Webhooks",
    "Assets",
    "Analytics",
    "Rates",
    "Projections",
    "Esg",
    "Defi",
    "Gaming",
    "Households",
    "LifeBeat",
]
