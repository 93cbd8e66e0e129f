import type { Catalogue } from "./catalogue";

/** Español. */
export const es: Catalogue = {
  errors: {
    BAD_REQUEST: "La solicitud está mal formada.",
    UNAUTHORIZED: "No se pudo autenticar: las credenciales o el token no son válidos o han expirado.",
    FORBIDDEN: "No tienes permiso para realizar esta operación.",
    VALIDATION_FAILED: "Los datos enviados no son válidos.",
    RESOURCE_NOT_FOUND: "No se encontró el recurso.",
    METHOD_NOT_ALLOWED: "Este método no está permitido en este recurso.",
    DUPLICATE_RESOURCE: "El recurso ya existe.",
    CONFLICT: "La solicitud entra en conflicto con el estado actual del recurso.",
    PAYLOAD_TOO_LARGE: "El cuerpo de la solicitud es demasiado grande.",
    UNSUPPORTED_MEDIA_TYPE: "Envía el cuerpo de la solicitud como application/json.",
    PROVIDER_ERROR: "El proveedor financiero rechazó la solicitud o falló.",
    RATE_LIMIT_EXCEEDED: "Demasiadas solicitudes; vuelve a intentarlo después del tiempo indicado en Retry-After.",
    INSUFFICIENT_FUNDS: "La cuenta no tiene fondos suficientes.",
    SYNC_IN_PROGRESS: "Ya hay una sincronización en curso para esta cuenta.",
    ALREADY_REVERTED: "La transacción ya fue revertida.",
    IDEMPOTENCY_KEY_REUSED: "Esta Idempotency-Key ya se usó con una solicitud distinta.",
    TWO_FACTOR_REQUIRED: "Esta operación requiere una verificación reciente del segundo factor.",
    TOKEN_INVALID: "Este enlace no es válido.",
    TOKEN_EXPIRED: "Este enlace ha expirado; solicita uno nuevo.",
    TOKEN_ALREADY_USED: "Este enlace ya se usó.",
    QUOTA_EXCEEDED: "Se excedería la cuota de almacenamiento de este espacio.",
    PROVIDER_UNAVAILABLE: "No hay ningún proveedor disponible para esta solicitud en este momento.",
    INTERNAL_ERROR: "Ocurrió un error inesperado.",
  },
  details: {
    default: "Este valor no es válido.",
    REQUIRED: "Este campo es obligatorio.",
    UNKNOWN_FIELD: "Campo desconocido: esta solicitud no lo acepta.",
    INVALID_TYPE: "Este valor tiene un tipo incorrecto.",
    INVALID_VALUE: "Este valor no es uno de los permitidos.",
    INVALID_FORMAT: "Este valor no tiene el formato esperado.",
    INVALID_EMAIL: "Este correo electrónico no es válido.",
    INVALID_UNION: "Este valor no coincide con ninguna forma aceptada.",
    TOO_SMALL: "Este valor es demasiado pequeño o corto.",
    TOO_BIG: "Este valor es demasiado grande o largo.",
    INVALID_AMOUNT: "Este importe no es válido para la moneda.",
    INEXACT_NUMBER: "Este número no se puede representar con exactitud; envíalo como cadena decimal.",
    INVALID_TEXT: "Este texto contiene un sustituto (surrogate) sin pareja; envía Unicode bien formado.",
    CURRENCY_MISMATCH: "Las monedas no coinciden.",
    INSUFFICIENT_FUNDS: "Fondos insuficientes.",
    INVALID_CURSOR: "Este cursor no es válido.",
    CURSOR_CONFLICT: "Difiere de la consulta que pagina el cursor; envía el cursor solo o con los mismos valores.",
    INVALID_KEY: "Esta clave no está permitida.",
    INVALID_BOOKMARK: "Este marcador no es válido.",
    INVALID_RANGE: "Este rango no es válido.",
    INVALID_CODE: "Este código no es válido.",
    INVALID_PASSWORD: "La contraseña no es correcta.",
    SAME_AS_CURRENT: "Debe ser distinto del valor actual.",
  },
  templates: {
    // The request itself.
    "Request body exceeds {bytes} bytes": "El cuerpo de la solicitud supera los {bytes} bytes.",
    "{method} is not allowed on this path": "{method} no está permitido en esta ruta.",
    "No route for {method} {path}": "No hay ninguna ruta para {method} {path}.",
    "No route for {method} {path} (did you mean {suggestion}?)": "No hay ninguna ruta para {method} {path} (¿quisiste decir {suggestion}?).",
    "Validation failed for the provided data (and {n} more unknown query parameters)":
      "Los datos enviados no son válidos (y {n} parámetros de consulta desconocidos más).",
    "Too many requests for the {policy} policy; retry later": "Demasiadas solicitudes para la política {policy}; vuelve a intentarlo más tarde.",
    "At most {n} members may be added a day; retry later": "Se pueden agregar como máximo {n} miembros al día; vuelve a intentarlo más tarde.",
    // The ledger: a refusal of one transaction of a batch names it.
    "{message} (transaction {i} of the batch)": "{message} (transacción {i} del lote).",
    "Reference {reference} is already used in this space": "La referencia {reference} ya se usa en este espacio.",
    "Account {address} has insufficient {asset} funds": "La cuenta {address} no tiene fondos suficientes de {asset}.",
    "Account {address} would have a negative {asset} balance on {day}; it may not overdraw at any date":
      "La cuenta {address} tendría un saldo negativo de {asset} el {day}; no puede quedar en descubierto en ninguna fecha.",
    "The {asset} balance of {address} would pass the largest supported balance ({max} minor units in either direction)":
      "El saldo de {asset} de {address} superaría el mayor saldo admitido ({max} unidades menores en cualquier sentido).",
    "The {asset} balance of {address} at {day} would pass the largest supported balance ({max} minor units in either direction)":
      "El saldo de {asset} de {address} al {day} superaría el mayor saldo admitido ({max} unidades menores en cualquier sentido).",
    "{address} is not an account of this space": "{address} no es una cuenta de este espacio.",
    "{address} holds {asset}, not {other}": "{address} contiene {asset}, no {other}.",
    "Account {id} is disconnected or inactive; it accepts no new entries": "La cuenta {id} está desconectada o inactiva; no admite movimientos nuevos.",
    "Account {id} is or was below zero ({lowest} at its lowest); it cannot forbid overdraft over that history":
      "La cuenta {id} está o estuvo por debajo de cero ({lowest} en su punto más bajo); no puede prohibir el descubierto sobre ese historial.",
    "A transaction holds at most {max} metadata keys; this would leave {n}": "Una transacción admite como máximo {max} claves de metadatos; quedarían {n}.",
    "An account holds at most {max} metadata keys; this would leave {n}": "Una cuenta admite como máximo {max} claves de metadatos; quedarían {n}.",
    "Transaction {seq} not found": "No se encontró la transacción {seq}.",
    "Transaction {seq} has already been reverted": "La transacción {seq} ya fue revertida.",
    "Transaction {seq} is itself a revert": "La transacción {seq} es en sí misma una reversión.",
    "Transaction {seq} reclassifies Dhanam transactions; change their category instead of reverting it":
      "La transacción {seq} reclasifica transacciones de Dhanam; cambia su categoría en lugar de revertirla.",
    "{n} transactions use this category; pass ?reassignTo=<categoryId> to move them first":
      "{n} transacciones usan esta categoría; pasa ?reassignTo=<categoryId> para moverlas primero.",
    "Category {id} was already deleted without reassignTo; it cannot be merged now": "La categoría {id} ya se eliminó sin reassignTo; ya no se puede fusionar.",
    "Category {id} was already merged into {into}; only that deletion (reassignTo={again}) can be repeated":
      "La categoría {id} ya se fusionó con {into}; solo se puede repetir esa eliminación (reassignTo={again}).",
    // A status or type is the API's own value, quoted as it is.
    "A {status} transaction cannot be posted": "Una transacción en estado {status} no se puede contabilizar.",
    'This space already has the {type} category "{name}" there ({id})': 'Este espacio ya tiene ahí la categoría de tipo {type} "{name}" ({id}).',
    'Its subcategory "{name}" ({id}) would move up beside "{other}" ({otherId}): rename or merge one of them first':
      'Su subcategoría "{name}" ({id}) quedaría al mismo nivel que "{other}" ({otherId}): primero cambia el nombre de una de ellas o fusiónalas.',
    // Analytics, documents, collectibles, real estate.
    "At most {max} points per request: widen the interval or narrow the range": "Como máximo {max} puntos por solicitud: amplía el intervalo o acorta el rango.",
    "This space's document storage quota of {quota} bytes would be exceeded": "Se excedería la cuota de almacenamiento de documentos de este espacio, de {quota} bytes.",
    "This upload takes Content-Type {type}": "Esta carga admite Content-Type {type}.",
    "The body's length does not match its Content-Length of {n} bytes": "La longitud del cuerpo no coincide con su Content-Length de {n} bytes.",
    "The file exceeds this upload's limit of {cap} bytes": "El archivo supera el límite de esta carga, de {cap} bytes.",
    "{provider}: no market price for this item right now": "{provider}: no hay precio de mercado para este artículo en este momento.",
    'The collectible provider "{name}" is not available in this deployment': 'El proveedor de coleccionables "{name}" no está disponible en esta instalación.',
    "Real-estate valuations are not configured ({setting})": "Las valuaciones inmobiliarias no están configuradas ({setting}).",
    // Providers and syncs.
    "A sync of connection {id} is already in progress": "Ya hay una sincronización de la conexión {id} en curso.",
    "This flag was already resolved ({resolution})": "Este aviso ya se resolvió ({resolution}).",
    "Webhook verification failed: {reason}": "Falló la verificación del webhook: {reason}.",
    "This {provider} login is already connected in this space.": "Este acceso de {provider} ya está conectado en este espacio.",
    "This {provider} login is already connected in this space (connection {id}).": "Este acceso de {provider} ya está conectado en este espacio (conexión {id}).",
    "This {provider} account is already connected in this space.": "Esta cuenta de {provider} ya está conectada en este espacio.",
    "This {provider} account is already connected in this space (connection {id}).": "Esta cuenta de {provider} ya está conectada en este espacio (conexión {id}).",
    "{message} It needs attention ({status}): repair it in Link's update mode (POST /v1/providers/plaid/link-token with its connectionId).":
      "{message}. La conexión requiere atención ({status}): repárala en el modo de actualización de Link (POST /v1/providers/plaid/link-token con su connectionId).",
    "{message} It needs attention ({status}): disconnect it (DELETE /v1/providers/connections/{id}) before connecting again.":
      "{message}. La conexión requiere atención ({status}): desconéctala (DELETE /v1/providers/connections/{id}) antes de volver a conectar.",
    // Life Beat.
    "This executor already has a live manual grant ({id}, until {until}); check in to end it before granting again":
      "Este albacea ya tiene una concesión manual vigente ({id}, hasta {until}); registra tu check-in para terminarla antes de conceder otra.",
  },
  phrases: {
    "Invalid email or password": "Correo electrónico o contraseña incorrectos.",
    "Authentication token invalid or expired": "El token de autenticación no es válido o ha expirado.",
    "Access token expired; renew it with POST /v1/auth/refresh": "El token de acceso expiró; renuévalo con POST /v1/auth/refresh.",
    "The access token has expired": "El token de acceso expiró.",
    "Missing bearer token": "Falta el token de autenticación (Authorization: Bearer).",
    "Session has ended": "La sesión terminó; inicia sesión de nuevo.",
    "Refresh token expired": "El token de renovación ha expirado; inicia sesión de nuevo.",
    "Refresh token invalid": "El token de renovación no es válido.",
    "Refresh token was already used; the session has been revoked": "El token de renovación ya se usó; la sesión se revocó.",
    "The account's password or second factor changed while signing in; sign in again":
      "La contraseña o el segundo factor de la cuenta cambió durante el inicio de sesión; inicia sesión de nuevo.",
    "The password or this session changed while the request ran; sign in again":
      "La contraseña o esta sesión cambió mientras se procesaba la solicitud; inicia sesión de nuevo.",
    "Authentication required": "Se requiere autenticación.",
    "An account with this email already exists": "Ya existe una cuenta con este correo electrónico.",
    "This account requires a two-factor code (totpCode)": "Esta cuenta requiere un código de dos factores (totpCode).",
    "Call POST /v1/auth/2fa/setup first": "Primero llama a POST /v1/auth/2fa/setup.",
    "Incorrect password": "La contraseña es incorrecta.",
    "Invalid or already used code": "El código no es válido o ya se usó.",
    "Too many wrong attempts at the password for this account; retry later":
      "Demasiados intentos fallidos de contraseña para esta cuenta; vuelve a intentarlo más tarde.",
    "Too many wrong attempts at the two-factor code for this account; retry later":
      "Demasiados intentos fallidos del código de dos factores para esta cuenta; vuelve a intentarlo más tarde.",
    "Invalid or already used two-factor code": "El código de dos factores no es válido o ya se usó.",
    "Confirm your second factor with POST /v1/auth/2fa/verify first": "Confirma primero tu segundo factor con POST /v1/auth/2fa/verify.",
    "Enable two-factor authentication to perform this operation": "Activa la autenticación de dos factores para realizar esta operación.",
    "You can only remove members below your own role": "Solo puedes quitar a miembros con un rol inferior al tuyo.",
    "You can only grant roles below your own": "Solo puedes otorgar roles inferiores al tuyo.",
    "You can only change members, and grant roles, below your own role": "Solo puedes cambiar a miembros, y otorgar roles, inferiores al tuyo.",
    "The owner cannot leave or be removed; delete the space instead": "La persona propietaria no puede salir ni ser quitada; elimina el espacio en su lugar.",
    "The owner cannot grant access to themselves": "La persona titular no puede otorgarse acceso a sí misma.",
    "The owner cannot be removed from the household": "La persona titular no puede ser quitada del hogar.",
    "Only a space's owner may share it with a household": "Solo la persona propietaria de un espacio puede compartirlo con un hogar.",
    "Emergency access is read-only": "El acceso de emergencia es de solo lectura.",
    "That user is already a member of this space": "Esa persona ya es miembro de este espacio.",
    "That email is already a member of this household": "Ese correo electrónico ya es miembro de este hogar.",
    "You are already a member of this household": "Ya eres miembro de este hogar.",
    "Too many invitations from this account, or to this address; retry later":
      "Demasiadas invitaciones desde esta cuenta o a esta dirección; vuelve a intentarlo más tarde.",
    "This executor already has a live manual grant; check in to end it before granting again":
      "Este albacea ya tiene una concesión manual vigente; registra tu check-in para terminarla antes de conceder otra.",
    "Holds a bidirectional control character (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F or U+061C), which would change how it reads: send the name without it":
      "Contiene un carácter de control de dirección (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F o U+061C), que cambiaría cómo se lee: envía el nombre sin él.",
    "This link is no longer valid: the member it was issued to can no longer use it in this space":
      "Este enlace ya no es válido: la persona a quien se emitió ya no puede usarlo en este espacio.",
    // What a 404 names: the thing not found (notFound, and the resource names the access checks hand it).
    "Account not found": "No se encontró la cuenta.",
    "Asset not found": "No se encontró el activo.",
    "Budget not found": "No se encontró el presupuesto.",
    "Catalog item not found": "No se encontró el artículo del catálogo.",
    "Category not found": "No se encontró la categoría.",
    "Connection not found": "No se encontró la conexión.",
    "Document not found": "No se encontró el documento.",
    "Household not found": "No se encontró el hogar.",
    "Invitation not found": "No se encontró la invitación.",
    "Job not found": "No se encontró el trabajo.",
    "Member not found": "No se encontró el miembro.",
    "Platform not found": "No se encontró la plataforma.",
    "Projection scenario not found": "No se encontró el escenario de proyección.",
    "Recurring series not found": "No se encontró la serie recurrente.",
    "Review flag not found": "No se encontró el aviso de revisión.",
    "Session not found": "No se encontró la sesión.",
    "Space not found": "No se encontró el espacio.",
    "Sync job not found": "No se encontró el trabajo de sincronización.",
    "Transaction not found": "No se encontró la transacción.",
    "User not found": "No se encontró el usuario.",
    "Wallet not found": "No se encontró la billetera.",
    "Webhook not found": "No se encontró el webhook.",
    "No property found at this address": "No se encontró ninguna propiedad en esta dirección.",
    "The linked catalog item no longer exists": "El artículo del catálogo vinculado ya no existe.",
    // The request itself.
    "Malformed request": "La solicitud está mal formada.",
    "Request failed": "La solicitud falló.",
    "Request body is too large": "El cuerpo de la solicitud es demasiado grande.",
    "Must be a bookmark this API returned": "Debe ser un marcador que devolvió esta API.",
    // Documents.
    "Malformed Content-Length": "El Content-Length está mal formado.",
    "The body is empty: a document has at least one byte": "El cuerpo está vacío: un documento tiene al menos un byte.",
    "This upload link has already been used": "Este enlace de carga ya se usó.",
    // The ledger and transactions.
    "Two transactions in this request share a reference": "Dos transacciones de esta solicitud comparten una referencia.",
    "The category was deleted": "La categoría fue eliminada.",
    "The ledger could not confirm this write; retry with the same Idempotency-Key":
      "El libro contable no pudo confirmar esta escritura; vuelve a intentarlo con la misma Idempotency-Key.",
    "Transaction is already voided": "La transacción ya fue anulada.",
    "The budget kept changing while this request was applied; read it and try again":
      "El presupuesto siguió cambiando mientras se aplicaba esta solicitud; vuelve a leerlo e inténtalo de nuevo.",
    // Providers, syncs and their review flags.
    "Connection is already disconnected": "La conexión ya está desconectada.",
    "Synced less than 15 minutes ago; retry later or send force: true":
      "Se sincronizó hace menos de 15 minutos; vuelve a intentarlo más tarde o envía force: true.",
    "This wallet is already connected to the space": "Esta billetera ya está conectada al espacio.",
    "Unknown provider for this category": "Proveedor desconocido para esta categoría.",
    "The asset is not linked to a collectible catalog item": "El activo no está vinculado a un artículo del catálogo de coleccionables.",
    "The sneaks provider is not configured (SNEAKS_BASE_URL)": "El proveedor sneaks no está configurado (SNEAKS_BASE_URL).",
    "bitso: sandbox key could not be issued": "bitso: no se pudo emitir la clave del sandbox.",
    "Webhook Authorization is missing or wrong": "Falta la cabecera Authorization del webhook o es incorrecta.",
    "Webhook body is not a JSON object": "El cuerpo del webhook no es un objeto JSON.",
    "The webhook's verification key cannot be fetched now; retry later":
      "Ahora no se puede obtener la clave de verificación del webhook; vuelve a intentarlo más tarde.",
    "This flag was already resolved": "Este aviso ya se resolvió.",
    "This flag was closed: none of its candidates is pending any more (one was merged or removed), or its posted transaction was removed; there is nothing left to resolve":
      "Este aviso se cerró: ninguno de sus candidatos sigue pendiente (uno se fusionó o se eliminó), o se eliminó su transacción contabilizada; no queda nada por resolver.",
    "A sync of this connection is in progress; resolve the flag when it has finished":
      "Hay una sincronización de esta conexión en curso; resuelve el aviso cuando termine.",
    "The flagged transaction no longer exists": "La transacción señalada ya no existe.",
    "The flagged transaction's account is no longer linked to a provider": "La cuenta de la transacción señalada ya no está vinculada a un proveedor.",
    "The pending transaction is not in the flagged transaction's account": "La transacción pendiente no está en la cuenta de la transacción señalada.",
    "These transactions changed since they were flagged (posted, merged or removed); there is nothing to merge":
      "Estas transacciones cambiaron desde que se señalaron (contabilizadas, fusionadas o eliminadas); no hay nada que fusionar.",
    "The account is disconnected or inactive and the posted amount differs from the pending one: a merge would need a correcting entry the account no longer takes; void the duplicate instead":
      "La cuenta está desconectada o inactiva y el importe contabilizado difiere del pendiente: una fusión requeriría un asiento de corrección que la cuenta ya no admite; anula el duplicado en su lugar.",
    "Your role in this space does not allow this operation": "Tu rol en este espacio no permite esta operación.",
    "Only the household's owner may do this": "Solo la persona titular del hogar puede hacer esto.",
    "This invitation was sent to another email address": "Esta invitación se envió a otra dirección de correo.",
    "Escalation days must be strictly increasing": "Los días de escalamiento deben ser estrictamente crecientes.",
    "Must be 1 (yearly steps) or 12 (monthly steps)": "Debe ser 1 (pasos anuales) o 12 (pasos mensuales).",
    "Must be an IANA time zone such as America/Mexico_City": "Debe ser una zona horaria IANA, como America/Mexico_City.",
    // The date fields' rules (lib/dates.ts), one detail each with code INVALID_DATE.
    "Must be a date YYYY-MM-DD, such as 2024-01-31": "Debe ser una fecha AAAA-MM-DD, como 2024-01-31.",
    "Must be a date-time with an offset, such as 2024-01-31T09:30:00-06:00 or 2024-01-31T15:30:00Z":
      "Debe ser una fecha y hora con su desfase horario, como 2024-01-31T09:30:00-06:00 o 2024-01-31T15:30:00Z.",
    "Must be a date YYYY-MM-DD or a date-time with an offset, such as 2024-01-31 or 2024-01-31T09:30:00-06:00":
      "Debe ser una fecha AAAA-MM-DD o una fecha y hora con su desfase horario, como 2024-01-31 o 2024-01-31T09:30:00-06:00.",
    "At most millisecond precision: the digits past it would be lost": "Admite como máximo milisegundos: las cifras posteriores se perderían.",
    "Must be in the years 1800 to 2999": "Debe estar entre los años 1800 y 2999.",
    "Must be in the years 1800 to 2999 in every time zone": "Debe estar entre los años 1800 y 2999 en todos los husos horarios.",
    "The offset must be between -14:00 and +14:00": "El desfase horario debe estar entre -14:00 y +14:00.",
    "Must be a number of days such as 7d, 30d or 90d, or 1y": "Debe ser un número de días, como 7d, 30d o 90d, o 1y.",
    "At most 365d": "Como máximo 365d.",
    // A missing field some checks name so (lib/explained.ts, a transaction's amount).
    Required: "Este campo es obligatorio.",
    "Must be positive": "Debe ser mayor que cero.",
    "Must not be negative": "No puede ser negativo.",
    "Must be a finite number": "Debe ser un número finito.",
    "Must be an integer written in decimal digits": "Debe ser un número entero escrito con dígitos decimales.",
    "Must be a decimal number such as 12.34": "Debe ser un número decimal, como 12.34.",
    'Must be a decimal number as a string or a JSON number, such as "12.34"': 'Debe ser un número decimal, como cadena o como número JSON, por ejemplo "12.34".',
    'Must be a whole number of the asset\'s minor units (150 is 1.50 in USD/2): a JSON integer, or a string of digits without leading zeros such as "150"':
      'Debe ser un número entero de unidades mínimas del activo (150 es 1.50 en USD/2): un entero JSON, o una cadena de dígitos sin ceros a la izquierda, como "150".',
    // A ledger posting's and transaction's rules.
    "Source and destination must differ": "El origen y el destino deben ser distintos.",
    "At most 64 metadata keys": "Como máximo 64 claves de metadatos.",
    "Amount is too large": "El importe es demasiado grande.",
    "Two-factor authentication is already enabled": "La autenticación de dos factores ya está activada.",
    "Two-factor authentication is not enabled": "La autenticación de dos factores no está activada.",
    // A name's rules (visible-text.ts): the generic INVALID_VALUE wording would say the name is "not an allowed option".
    "Must be on one line": "Debe estar en una sola línea.",
    "Must contain a visible character": "Debe contener al menos un carácter visible.",
    // A new password's rule (auth/schemas.ts).
    "Must not be only spaces": "No puede contener solo espacios.",
    // INVALID_TEXT's standard wording is about unpaired surrogates: a control character needs its own.
    "Holds a control character (U+0000-U+001F other than tab and line breaks, or U+007F): send printable text":
      "Contiene un carácter de control (U+0000-U+001F salvo tabulación y saltos de línea, o U+007F): envía texto imprimible.",
    // A body that is not UTF-8, or says it is in another charset (middleware/utf8-json.ts).
    // Hono's own words for a body that does not parse (its JSON validator), the most common 400.
    "Malformed JSON in request body": "El cuerpo de la solicitud no es JSON válido.",
    "The request body is not valid UTF-8: send JSON encoded as UTF-8 (RFC 8259)": "El cuerpo de la solicitud no es UTF-8 válido: envía el JSON codificado en UTF-8 (RFC 8259).",
    "Send the request body as UTF-8 JSON: application/json with no charset, or charset=utf-8":
      "Envía el cuerpo de la solicitud como JSON en UTF-8: application/json sin charset, o con charset=utf-8.",
    ...Object.fromEntries(
      Array.from({ length: 9 }, (_, n) => [`At most ${n} decimal places are allowed for this currency`, `Esta moneda admite como máximo ${n} ${n === 1 ? "decimal" : "decimales"}.`]),
    ),
  },
};
