"""operationId -> (method, path) for every documented operation.

Generated from the app's OpenAPI document by `npm run sdk:generate`. Do not edit by hand:
CI (`npm run sdk:check`) fails when this differs from a fresh generation."""
from typing import Dict, Tuple

OPERATIONS: Dict[str, Tuple[str, str]] = {}
