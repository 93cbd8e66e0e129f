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
    IDEMPOTENCY_KEY_REUSED: "Esta Idempotency-Key ya se usó con una solicitud distinta; envía una clave nueva para una solicitud nueva, o el cuerpo de la primera solicitud para recibir de nuevo su respuesta.",
    TWO_FACTOR_REQUIRED: "Esta operación requiere una verificación reciente del segundo factor.",
    TOKEN_INVALID: "Este enlace no es válido.",
    TOKEN_EXPIRED: "Este enlace ha expirado; solicita uno nuevo.",
    TOKEN_ALREADY_USED: "Este enlace ya se usó.",
    QUOTA_EXCEEDED: "Se excedería la cuota de almacenamiento de este espacio.",
    PROVIDER_UNAVAILABLE: "No hay ningún proveedor disponible para esta solicitud en este momento.",
    INTERNAL_ERROR: "Ocurrió un error inesperado.",
  },
  titles: {
    400: "Solicitud incorrecta",
    401: "No autorizado",
    403: "Prohibido",
    404: "No encontrado",
    405: "Método no permitido",
    409: "Conflicto",
    410: "Ya no disponible",
    413: "Contenido demasiado grande",
    415: "Tipo de contenido no admitido",
    422: "Entidad no procesable",
    429: "Demasiadas solicitudes",
    500: "Error interno del servidor",
    502: "Puerta de enlace incorrecta",
    503: "Servicio no disponible",
    other: "Error",
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
    "Unknown query parameter: did you mean {field}?": "Parámetro de consulta desconocido: ¿quisiste decir {field}?",
    "Unknown field: did you mean {field}?": "Campo desconocido: ¿quisiste decir {field}?",
    // The request itself.
    "Request body exceeds {bytes} bytes": "El cuerpo de la solicitud supera los {bytes} bytes.",
    "{method} is not allowed on this path; it takes {allowed}": "{method} no está permitido en esta ruta; admite {allowed}.",
    "No route for {method} {path}": "No hay ninguna ruta para {method} {path}.",
    "No route for {method} {path} (did you mean {suggestion}?)": "No hay ninguna ruta para {method} {path} (¿quisiste decir {suggestion}?).",
    "Validation failed for the provided data (and {n} more unknown query parameters)":
      "Los datos enviados no son válidos (y {n} parámetros de consulta desconocidos más).",
    "Too many requests for the {policy} policy; retry later": "Demasiadas solicitudes para la política {policy}; vuelve a intentarlo más tarde.",
    "This operation needs the {min} role or above in this space (yours is {role}); ask the space's owner or an admin for it":
      "Esta operación requiere el rol {min} o superior en este espacio (el tuyo es {role}); pídeselo al dueño o a un administrador del espacio.",
    "Only the space's owner may do this (your role is {role})": "Solo el dueño del espacio puede hacer esto (tu rol es {role}).",
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
    // A duplicate category: its type in words, one template a type (a name may hold any text; the id, one token, anchors the reading).
    'This space already has an expense category "{name}" there ({id})': 'Este espacio ya tiene una categoría de gastos "{name}" en ese mismo nivel ({id}).',
    'This space already has an income category "{name}" there ({id})': 'Este espacio ya tiene una categoría de ingresos "{name}" en ese mismo nivel ({id}).',
    'This space already has a transfer category "{name}" there ({id})': 'Este espacio ya tiene una categoría de transferencias "{name}" en ese mismo nivel ({id}).',
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
    "{message} It needs attention ({status}): repair it with the new password (POST /v1/providers/belvo/repair with its connectionId).":
      "{message}. La conexión requiere atención ({status}): repárala con la nueva contraseña (POST /v1/providers/belvo/repair con su connectionId).",
    "{message} It needs attention ({status}): disconnect it (DELETE /v1/providers/connections/{id}) before connecting again.":
      "{message}. La conexión requiere atención ({status}): desconéctala (DELETE /v1/providers/connections/{id}) antes de volver a conectar.",
    // Life Beat.
    "This executor already has a live manual grant ({id}, until {until}); check in to end it before granting again":
      "Este albacea ya tiene una concesión manual vigente ({id}, hasta {until}); registra tu check-in para terminarla antes de conceder otra.",
    // A field's detail (the `message` of each entry of `details`): the values, as the code writes them.
    "The balance would be below zero on {day}": "El saldo quedaría por debajo de cero el {day}.",
    "{address} would be out of range at that date": "{address} quedaría fuera de rango en esa fecha.",
    "{address} would be out of range": "{address} quedaría fuera de rango.",
    "Balance would be {balance}": "El saldo quedaría en {balance}.",
    "At most {max} keys with those already set": "Como máximo {max} claves, contando las que ya tiene.",
    "The account's balance was {lowest} at its lowest": "El saldo de la cuenta llegó a {lowest} en su punto más bajo.",
    "Must be {asset} for this account": "Debe ser {asset} para esta cuenta.",
    "At most {max} metadata keys": "Como máximo {max} claves de metadatos.",
    "At most {max} metadata filters": "Como máximo {max} filtros de metadatos.",
    "At most {max} segments": "Como máximo {max} segmentos.",
    "A segment is at most {max} characters": "Un segmento tiene como máximo {max} caracteres.",
    "A segment with * is at most {max} characters": "Un segmento con * tiene como máximo {max} caracteres.",
    "{address} mirrors Dhanam accounts and categories; move its money with /v1/transactions so rows and ledger agree":
      "{address} refleja cuentas y categorías de Dhanam; mueve su dinero con /v1/transactions para que los registros y el libro contable coincidan.",
    "Must not be before {field}": "No puede ser anterior a {field}.",
    "{n} cannot be held exactly by a JSON number; send it as a decimal string": "{n} no se puede representar con exactitud como número JSON; envíalo como cadena decimal.",
    // A rule's pattern (lib/safe-regex.ts) and an address filter (ledger/addresses.ts).
    "\\{letter} is not supported": "\\{letter} no está admitido.",
    "Unexpected '{char}' at {i}": "'{char}' inesperado en la posición {i}.",
    "Bad range {lo}-{hi}": "Rango no válido: {lo}-{hi}.",
    "Pattern is longer than {max} characters": "El patrón tiene más de {max} caracteres.",
    '{condition} needs a value with a letter or digit in it; "{value}" matches every text':
      '{condition} necesita un valor con al menos una letra o un dígito; "{value}" coincide con cualquier texto.',
    "amount_between: {message}": "amount_between: {message}.",
    // Categories and budgets: a category's kind ("an income category") is a message of its own, among the phrases.
    "Parent is {message}": "La categoría padre es {message}.",
    'Must be {message}, as the one deleted is: "{name}" is {message2}': 'Debe ser {message}, como la que se elimina: "{name}" es {message2}.',
    'Budgets track spending: "{name}" is {message}, not an expense category': 'Los presupuestos controlan gastos: "{name}" es {message}, no una categoría de gastos.',
    "A space may have at most {max} budgets": "Un espacio puede tener como máximo {max} presupuestos.",
    "A space may have at most {max} categories": "Un espacio puede tener como máximo {max} categorías.",
    "A space may have at most {max} rules": "Un espacio puede tener como máximo {max} reglas.",
    "The space's rules would hold more than {max} characters of conditions every transaction is matched against: use fewer or shorter conditions":
      "Las reglas del espacio tendrían más de {max} caracteres de condiciones con los que se compara cada transacción: usa menos condiciones o más cortas.",
    "A space may have at most {max} webhooks": "Un espacio puede tener como máximo {max} webhooks.",
    "Webhook {id} of this space already sends some of these events to this URL: change its events instead of adding another":
      "El webhook {id} de este espacio ya envía algunos de estos eventos a esta URL: cambia sus eventos en lugar de añadir otro.",
    "A space may hold at most {max} accounts": "Un espacio puede tener como máximo {max} cuentas.",
    "A space may have at most {max} assets; delete one first": "Un espacio puede tener como máximo {max} activos; elimina uno primero.",
    "A space may have at most {max} saved projection scenarios; delete one, or send save: false to run one without saving it": "Un espacio puede tener como máximo {max} escenarios de proyección guardados; elimina uno, o envía save: false para ejecutar uno sin guardarlo.",
    "A space may connect at most {max} wallets": "Un espacio puede conectar como máximo {max} billeteras.",
    "At most {n} wallet syncs (or connections) a minute across all your spaces; retry later":
      "Como máximo {n} sincronizaciones (o conexiones) de billeteras por minuto entre todos tus espacios; vuelve a intentarlo más tarde.",
    "At most {n} institution links a minute across all your spaces; retry later":
      "Como máximo {n} vinculaciones de instituciones por minuto entre todos tus espacios; vuelve a intentarlo más tarde.",
    "A user may own at most {max} spaces; delete one first": "Un usuario puede ser dueño de como máximo {max} espacios; elimina uno primero.",
    "You already own {max} spaces, the most a user may own; delete one first": "Ya eres dueño de {max} espacios, el máximo que un usuario puede tener; elimina uno primero.",
    "That member already owns {max} spaces, the most a user may own": "Ese miembro ya es dueño de {max} espacios, el máximo que un usuario puede tener.",
    "Differs from the run the cursor continues (dryRun: {value}); send the same dryRun": "Difiere de la ejecución que continúa el cursor (dryRun: {value}); envía el mismo dryRun.",
    "The space's regex rules would hold more than the {max} pattern states every transaction is matched against: use simpler patterns or contains/equals conditions":
      "Las reglas regex del espacio tendrían más de los {max} estados de patrón con los que se compara cada transacción: usa patrones más simples o condiciones contains/equals.",
    // Transactions and trades.
    "The account holds {currency}; amounts are in the account's currency": "La cuenta maneja {currency}; los importes van en la moneda de la cuenta.",
    "The accounts hold {currency} and {to}: send toAmount, the {arrived} that arrived": "Las cuentas manejan {currency} y {to}: envía toAmount, los {arrived} que llegaron.",
    "{symbol} is a coin: exchanging it for another currency is a trade (its gain or loss counts), not a transfer":
      "{symbol} es una criptomoneda: cambiarla por otra moneda es una operación (trade, cuenta su ganancia o pérdida), no una transferencia.",
    "Both accounts hold {currency}: toAmount, if sent, must equal amount": "Ambas cuentas manejan {currency}: toAmount, si se envía, debe ser igual a amount.",
    "A trade's {field} is set by the trade (type trade, subtype its side); omit {same}":
      "En una operación (trade), {field} lo fija la propia operación (type trade, subtype su lado); omite {same}.",
    "{symbol} is a currency, not a security or coin: a trade buys or sells units of one":
      "{symbol} es una moneda, no un valor ni una criptomoneda: una operación compra o vende unidades de uno de ellos.",
    "{symbol} is the account's own currency; record the trade in the account that pays for it":
      "{symbol} es la moneda de la propia cuenta; registra la operación en la cuenta que la paga.",
    "A {type} account holds no securities; trade in an investment account": "Una cuenta de tipo {type} no contiene valores; opera en una cuenta de inversión.",
    'A buy of these terms moves {cash} {currency} of cash; omit amount or send "{amount}"':
      'Una compra con estas condiciones mueve {cash} {currency} de efectivo; omite amount o envía "{amount}".',
    'A sell of these terms moves {cash} {currency} of cash; omit amount or send "{amount}"':
      'Una venta con estas condiciones mueve {cash} {currency} de efectivo; omite amount o envía "{amount}".',
    "quantity × unitPrice is less than half of the account currency's smallest unit ({amount} {currency})":
      "quantity × unitPrice es menor que la mitad de la unidad más pequeña de la moneda de la cuenta ({amount} {currency}).",
    "Must be one of: {list}": "Debe ser uno de: {list}.",
    "Must be {message}": "Debe ser {message}.",
    "More than {max} entries; narrow the range": "Más de {max} movimientos; acorta el rango.",
    // Analytics and recurring series.
    "This range has {count} day points; the limit is {max}": "Este rango tiene {count} puntos diarios; el límite es {max}.",
    "This range has {count} week points; the limit is {max}": "Este rango tiene {count} puntos semanales; el límite es {max}.",
    "This range has {count} month points; the limit is {max}": "Este rango tiene {count} puntos mensuales; el límite es {max}.",
    "History ends today ({day} in the space's time zone); the days ahead are the forecast's (GET /v1/analytics/forecast)":
      "El historial termina hoy ({day} en la zona horaria del espacio); los días siguientes corresponden al pronóstico (GET /v1/analytics/forecast).",
    "Only an edit changes {field}; {action} keeps the series as it is": "Solo una edición (edit) cambia {field}; {action} deja la serie como está.",
    // Assets, collectibles, real estate, documents.
    "The asset was disposed of on {day}; a valuation cannot be dated after that (clear disposedOn first if it is held again)":
      "El activo se dio de baja el {day}; una valuación no puede tener una fecha posterior (si vuelves a tenerlo, borra primero disposedOn).",
    "Cannot be after today ({day} in the space's time zone)": "No puede ser posterior a hoy ({day} en la zona horaria del espacio).",
    "Cannot be before the asset's first valuation ({day})": "No puede ser anterior a la primera valuación del activo ({day}).",
    'No provider "{name}" for category "{category}"': 'No hay ningún proveedor "{name}" para la categoría "{category}".',
    "One of {list}": "Uno de: {list}.",
    "A {type} asset is not valued from a {category} catalog item": "Un activo de tipo {type} no se valúa con un artículo del catálogo de {category}.",
    "{provider} values in {currency}; this asset is valued in {own}": "{provider} valúa en {currency}; este activo se valúa en {own}.",
    "Zestimates are in USD; this asset is valued in {currency}": "Los Zestimates están en USD; este activo se valúa en {currency}.",
    "{used} bytes are used or reserved by pending uploads; this upload needs up to {requested} more":
      "Hay {used} bytes usados o reservados por cargas pendientes; esta carga necesita hasta {requested} más.",
    "Files may be at most {max} bytes": "Los archivos pueden tener como máximo {max} bytes.",
    "At most {max} uploads may be pending in a space; finish or delete some first":
      "Un espacio puede tener como máximo {max} cargas pendientes; termina o elimina algunas primero.",
    // Auth, provider review flags.
    "A language tag of one of {list} (such as es-MX or pt-BR)": "Una etiqueta de idioma de alguno de estos: {list} (como es-MX o pt-BR).",
    "Required: this flag has {n} candidates": "Obligatorio: este aviso tiene {n} transacciones candidatas.",
    // Projections: a figure's name ("the median") is a message of its own, among the phrases.
    "At most {amount} in magnitude": "Como máximo {amount} en valor absoluto.",
    "Must be within the horizon (1 to {years})": "Debe estar dentro del horizonte (1 a {years}).",
    "Too low for a retirement in year {year}": "Demasiado baja para un retiro en el año {year}.",
    "The life events' amounts in year {year} come to {total}, beyond {max} in magnitude":
      "Los importes de los eventos de vida del año {year} suman {total}, más de {max} en valor absoluto.",
    "The life events' income changes up to year {year} come to {total}, beyond {max} in magnitude":
      "Los cambios de ingreso de los eventos de vida hasta el año {year} suman {total}, más de {max} en valor absoluto.",
    "The space's net worth ({value}) is beyond what a projection takes (at most {max} in magnitude): give {field} (POST /v1/projections)":
      "El patrimonio neto del espacio ({value}) supera lo que admite una proyección (como máximo {max} en valor absoluto): indica {field} (POST /v1/projections).",
    "The space's income over the last 12 months ({value}) is beyond what a projection takes (at most {max} in magnitude): give {field} (POST /v1/projections)":
      "Los ingresos del espacio en los últimos 12 meses ({value}) superan lo que admite una proyección (como máximo {max} en valor absoluto): indica {field} (POST /v1/projections).",
    "The space's expenses over the last 12 months ({value}) is beyond what a projection takes (at most {max} in magnitude): give {field} (POST /v1/projections)":
      "Los gastos del espacio en los últimos 12 meses ({value}) superan lo que admite una proyección (como máximo {max} en valor absoluto): indica {field} (POST /v1/projections).",
    "Makes {field} {value}, beyond {max} in magnitude": "Hace que {field} sea {value}, más de {max} en valor absoluto.",
    "The projection's {message} in year {year} reaches about {x}, beyond {max} in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years":
      "En el año {year}, {message} de la proyección llega a cerca de {x}, más de {max} en valor absoluto, a partir de lo cual las cifras no pueden ser exactas a la unidad mínima: reduce los importes, portfolioReturn, portfolioVolatility, incomeGrowthRate o years.",
    'Scenario "{name}" ({id}) with seed {seed}\'s {message} in year {year} reaches about {x}, beyond {max} in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years':
      'En el año {year}, {message} del escenario "{name}" ({id}) con semilla {seed} llega a cerca de {x}, más de {max} en valor absoluto, a partir de lo cual las cifras no pueden ser exactas a la unidad mínima: reduce los importes, portfolioReturn, portfolioVolatility, incomeGrowthRate o years.',
    // Webhook URLs (webhooks/url-policy.ts).
    "URL is longer than {max} characters": "La URL tiene más de {max} caracteres.",
    "Only {path}<inbox> receives webhooks on the sandbox origin": "En el origen del sandbox solo {path}<inbox> recibe webhooks.",
    "Port {port} is not allowed; use {ports}": "El puerto {port} no está permitido; usa {ports}.",
    "{host} is not a valid host name": "{host} no es un nombre de host válido.",
    "{host} is not a public host name": "{host} no es un nombre de host público.",
    "{host} is a single-label name, not a public host name": "{host} es un nombre de una sola etiqueta, no un nombre de host público.",
    "{ip} is in {block}, which is not a public address": "{ip} está en {block}, que no es una dirección pública.",
    "the IPv4 address it carries: {message}": "La dirección IPv4 que contiene: {message}.",
  },
  zod: {
    // A required field: its code (REQUIRED) says it all, the type it expects is in the API reference.
    "Invalid input: expected {type}, received undefined": "Este campo es obligatorio.",
    "Invalid input: expected {expected}, received {received}": "Tipo incorrecto: se esperaba {expected} y se recibió {received}.",
    "Invalid input: expected {value}": "Debe ser {value}.",
    "Invalid option: expected one of {values}": "Debe ser uno de estos valores: {values}.",
    "Invalid discriminator value. Expected {values}": "Debe ser uno de estos valores: {values}.",
    "Invalid input": "Este valor no coincide con ninguna forma aceptada.",
    // Sizes: zod names the unit after the limit.
    "Too big: expected string to have <={max} characters": "Debe tener como máximo {max} caracteres.",
    "Too big: expected string to have <{max} characters": "Debe tener menos de {max} caracteres.",
    "Too big: expected string to have exactly {n} characters": "Debe tener exactamente {n} caracteres.",
    "Too small: expected string to have exactly {n} characters": "Debe tener exactamente {n} caracteres.",
    "Too small: expected string to have >=1 characters": "No puede estar vacío.",
    "Too small: expected string to have >={min} characters": "Debe tener al menos {min} caracteres.",
    "Too small: expected string to have >{min} characters": "Debe tener más de {min} caracteres.",
    "Too big: expected array to have <={max} items": "Debe tener como máximo {max} elementos.",
    "Too big: expected array to have <{max} items": "Debe tener menos de {max} elementos.",
    "Too big: expected array to have exactly {n} items": "Debe tener exactamente {n} elementos.",
    "Too small: expected array to have exactly {n} items": "Debe tener exactamente {n} elementos.",
    "Too small: expected array to have >=1 items": "Debe tener al menos un elemento.",
    "Too small: expected array to have >={min} items": "Debe tener al menos {min} elementos.",
    "Too small: expected array to have >{min} items": "Debe tener más de {min} elementos.",
    "Too big: expected number to be <={max}": "Debe ser como máximo {max}.",
    "Too big: expected number to be <{max}": "Debe ser menor que {max}.",
    "Too small: expected number to be >={min}": "Debe ser como mínimo {min}.",
    "Too small: expected number to be >{min}": "Debe ser mayor que {min}.",
    "Invalid number: must be a multiple of {divisor}": "Debe ser múltiplo de {divisor}.",
    // Formats: a pattern is shown as the schema writes it, after the sentence.
    "Invalid string: must match pattern {pattern}": "Este valor no tiene el formato esperado (patrón {pattern}).",
    'Invalid string: must start with "{prefix}"': 'Debe empezar por "{prefix}".',
    'Invalid string: must end with "{suffix}"': 'Debe terminar en "{suffix}".',
    'Invalid string: must include "{text}"': 'Debe contener "{text}".',
    "Invalid email address": "No es una dirección de correo electrónico válida.",
    "Invalid URL": "No es una URL válida.",
    "Invalid UUID": "No es un UUID válido.",
    "Invalid ISO datetime": "No es una fecha y hora ISO 8601 válida.",
    "Invalid ISO date": "No es una fecha ISO 8601 válida (AAAA-MM-DD).",
    "Invalid ISO time": "No es una hora ISO 8601 válida.",
    "Invalid ISO duration": "No es una duración ISO 8601 válida.",
    "Invalid IPv4 address": "No es una dirección IPv4 válida.",
    "Invalid IPv6 address": "No es una dirección IPv6 válida.",
  },
  phrases: {
    "Insufficient funds: the account may not go below zero (PATCH it with allowOverdraft: true if it may)": "Fondos insuficientes: la cuenta no puede quedar por debajo de cero (actualízala con PATCH y allowOverdraft: true si puede).",
    "1 transaction uses this category; pass ?reassignTo=<categoryId> to move it first":
      "1 transacción usa esta categoría; pasa ?reassignTo=<categoryId> para moverla primero.",
    // The faults of a body refused before any route reads it (middleware/exact-numbers.ts), one sentence each, joined as Spanish lists them.
    "A number in the request cannot be represented exactly": "Un número de la solicitud no se puede representar con exactitud.",
    "Text in the request is not well-formed Unicode": "Un texto de la solicitud no es Unicode bien formado.",
    "The request holds a __proto__ key": "La solicitud contiene una clave __proto__.",
    "The request holds a control character": "La solicitud contiene un carácter de control.",
    "The request repeats a key in one object": "La solicitud repite una clave en un mismo objeto.",
    "Invalid email or password": "Correo electrónico o contraseña incorrectos.",
    "Authentication token invalid or expired": "El token de autenticación no es válido o ha expirado.",
    "Access token expired; renew it with POST /v1/auth/refresh": "El token de acceso expiró; renuévalo con POST /v1/auth/refresh.",
    "The access token has expired": "El token de acceso expiró.",
    "Missing bearer token: send Authorization: Bearer <accessToken>, as POST /v1/auth/login returns it": "Falta el token de autenticación: envía Authorization: Bearer <accessToken>, el que devuelve POST /v1/auth/login.",
    "Session has ended": "La sesión terminó; inicia sesión de nuevo.",
    "Refresh token expired": "El token de renovación ha expirado; inicia sesión de nuevo.",
    "Refresh token invalid: send the refreshToken the last login or refresh returned, or log in again": "El token de renovación no es válido: envía el refreshToken que devolvió el último inicio de sesión o renovación, o inicia sesión de nuevo.",
    "Refresh token was already used; the session has been revoked": "El token de renovación ya se usó; la sesión se revocó.",
    "The account's password or second factor changed while signing in; sign in again":
      "La contraseña o el segundo factor de la cuenta cambió durante el inicio de sesión; inicia sesión de nuevo.",
    "The password or this session changed while the request ran; sign in again":
      "La contraseña o esta sesión cambió mientras se procesaba la solicitud; inicia sesión de nuevo.",
    "Authentication required": "Se requiere autenticación.",
    "An account with this email already exists": "Ya existe una cuenta con este correo electrónico.",
    "This account requires a two-factor code (totpCode)": "Esta cuenta requiere un código de dos factores (totpCode).",
    "Two-factor authentication was enabled or set up again meanwhile; check GET /v1/auth/me":
      "La autenticación de dos factores se activó o se volvió a configurar mientras tanto; consulta GET /v1/auth/me.",
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
    "The owner cannot leave or be removed; hand the space to another member first, or delete it":
      "La persona propietaria no puede salir ni ser quitada; primero cede el espacio a otro miembro, o elimínalo.",
    "You already own this space; name another of its members": "Este espacio ya es tuyo; indica a otro de sus miembros.",
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
    "Holds a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which would change how it reads: send the name without it":
      "Contiene una incrustación, anulación o aislamiento de dirección (U+202A-U+202E, U+2066-U+2069), que cambiaría cómo se lee: envía el nombre sin él.",
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
    "Ownership offer not found": "No se encontró la oferta de propiedad.",
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
    "This webhook is suspended: its creator is no longer an admin of the space. Take it over first (PATCH takeOver: true)":
      "Este webhook está suspendido: quien lo creó ya no es administrador del espacio. Tómalo a tu cargo primero (PATCH takeOver: true).",
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
    // A field's detail (the `message` of each entry of `details`; test/i18n/message-sites.ts finds them).
    "Would take the account below zero, which it may not go": "Dejaría la cuenta por debajo de cero, y no puede quedar en negativo.",
    "An earlier transaction of this request has this reference": "Una transacción anterior de esta solicitud tiene esta referencia.",
    "Cursor is malformed, altered or from another query": "El cursor está mal formado, fue alterado o es de otra consulta.",
    "This verification's cursor has expired (15 minutes); verify again from the start": "El cursor de esta verificación caducó (15 minutos); verifica de nuevo desde el principio.",
    "Differs from the query the cursor pages; send the cursor alone, or with the same filters and page size":
      "Difiere de la consulta que pagina el cursor; envía el cursor solo, o con los mismos filtros y tamaño de página.",
    "Must be a valid email address": "Debe ser una dirección de correo electrónico válida.",
    "Unknown field: this request does not accept it": "Campo desconocido: esta solicitud no lo acepta.",
    "Unknown query parameter: this route does not accept it": "Parámetro de consulta desconocido: esta ruta no lo acepta.",
    "Holds an unpaired surrogate escape (\\uD800-\\uDFFF alone); send well-formed Unicode text":
      "Contiene un escape de sustituto (surrogate) sin pareja (\\uD800-\\uDFFF solo); envía texto Unicode bien formado.",
    "__proto__ cannot be a key: a JavaScript object takes it as its prototype, so it would be lost rather than stored":
      "__proto__ no puede ser una clave: un objeto JavaScript la toma como su prototipo, así que se perdería en lugar de guardarse.",
    "This key appears more than once in its object: send each key once": "Esta clave aparece más de una vez en su objeto: envía cada clave una sola vez.",
    "This query parameter appears more than once: send it once": "Este parámetro de consulta aparece más de una vez: envíalo una sola vez.",
    "Must be 1-255 visible ASCII characters": "Debe tener de 1 a 255 caracteres ASCII visibles.",
    "Required (in the body or the query)": "Obligatorio (en el cuerpo o en la consulta).",
    "The query and the body name different spaces": "La consulta y el cuerpo indican espacios distintos.",
    // A rule's pattern (lib/safe-regex.ts, categories/rules.ts) and an address filter (ledger/addresses.ts).
    "Counted repetition must be between 0 and 100": "El número de repeticiones debe estar entre 0 y 100.",
    "Nothing to repeat": "No hay nada que repetir.",
    "Inline flags such as (?i) are not supported": "No se admiten modificadores en línea como (?i).",
    "Lookarounds and named groups are not supported": "No se admiten aserciones (lookarounds) ni grupos con nombre.",
    "Missing )": "Falta un ).",
    "Missing ]": "Falta un ].",
    "Unmatched )": "Hay un ) sin su ( correspondiente.",
    "Trailing backslash": "Hay una barra invertida (\\) al final.",
    "Pattern is too complex": "El patrón es demasiado complejo.",
    "Pattern is empty": "El patrón está vacío.",
    "amount_between needs min, max or both": "amount_between necesita min, max o ambos.",
    "amount_between compares amounts without their sign (a 15.00 expense and a 15.00 refund alike): write its bounds without one":
      "amount_between compara importes sin su signo (un gasto de 15.00 y un reembolso de 15.00 por igual): escribe sus límites sin signo.",
    "amount_between: min is above max": "amount_between: min es mayor que max.",
    "'...' may only be the last segment": "'...' solo puede ser el último segmento.",
    "Segments are letters, digits, _ or *, separated by ':'": "Los segmentos son letras, dígitos, _ o *, separados por ':'.",
    "Segments must not be empty": "Los segmentos no pueden estar vacíos.",
    // The ledger's fields.
    "accounts: addresses belong to the space's accounts; use another prefix for other ledger accounts":
      "accounts: estas direcciones pertenecen a las cuentas del espacio; usa otro prefijo para otras cuentas del libro contable.",
    "Must be segments of letters, digits or _ separated by ':'": "Deben ser segmentos de letras, dígitos o _ separados por ':'.",
    "Must look like USD/2, BTC/8 or JPY": "Debe tener la forma USD/2, BTC/8 o JPY.",
    "Too large": "Es demasiado grande.",
    "Keys are letters, digits, _ . or -": "Las claves son letras, dígitos, _ . o -.",
    "At least one posting is required": "Se requiere al menos un movimiento (posting).",
    "Must be a transaction number": "Debe ser un número de transacción.",
    "A metadata key is 1 to 128 of A-Z, a-z, 0-9, _, . and -": "Una clave de metadatos tiene de 1 a 128 caracteres entre A-Z, a-z, 0-9, _, . y -.",
    "At most 2048 characters": "Como máximo 2048 caracteres.",
    // Accounts, transactions, trades, transfers.
    "Digits, spaces or dashes": "Solo dígitos, espacios o guiones.",
    "A negative opening balance needs allowOverdraft": "Un saldo inicial negativo requiere allowOverdraft.",
    "Account is not in this space": "La cuenta no está en este espacio.",
    "No such account in this space": "No existe esa cuenta en este espacio.",
    "Must not be zero": "No puede ser cero.",
    "A expense must be negative": "Un gasto debe ser negativo.",
    "A fee must be negative": "Una comisión debe ser negativa.",
    "Income must be positive": "Un ingreso debe ser positivo.",
    "positive (income)": "positivo (un ingreso)",
    "negative (an expense)": "negativo (un gasto)",
    "Opening balances are set when an account is created (openingBalance)": "Los saldos iniciales se fijan al crear una cuenta (openingBalance).",
    "Balance adjustments are made by provider syncs; record a correction as income or an expense":
      "Los ajustes de saldo los hacen las sincronizaciones con el proveedor; registra una corrección como ingreso o como gasto.",
    "Must be one of: (none for this type)": "Este tipo no admite subtipos.",
    "Must differ from fromAccountId": "Debe ser distinta de fromAccountId.",
    "A provider's pending transaction is posted by its sync": "Una transacción pendiente de un proveedor la contabiliza su sincronización.",
    "Trade value is too large": "El valor de la operación es demasiado grande.",
    "Upper-case letters and digits, e.g. AAPL": "Letras mayúsculas y dígitos, por ejemplo AAPL.",
    "An edit changes name, amount or cadence": "Una edición cambia name, amount o cadence.",
    // Categories and budgets; a category's kind, as typedCategory writes it, read inside another message.
    "an income category": "una categoría de ingresos",
    "an expense category": "una categoría de gastos",
    "a transfer category": "una categoría de transferencias",
    "A hex color like #FF6B35": "Un color hexadecimal, como #FF6B35.",
    "Already used by another category of this type and parent": "Ya lo usa otra categoría del mismo tipo y con la misma categoría padre.",
    "A subcategory would share its name with a category where it moves": "Una subcategoría tendría el mismo nombre que una categoría del nivel al que pasa.",
    "A category cannot be its own parent": "Una categoría no puede ser su propia categoría padre.",
    "Subcategories cannot have subcategories": "Las subcategorías no pueden tener subcategorías.",
    "A category with subcategories cannot become one": "Una categoría con subcategorías no puede convertirse en subcategoría.",
    "Must be another category": "Debe ser otra categoría.",
    "No such category in this space": "No existe esa categoría en este espacio.",
    "Category listed twice with different allocations": "Categoría incluida dos veces con asignaciones distintas.",
    "endDate must not be before startDate": "endDate no puede ser anterior a startDate.",
    "Allocations add up to more than the budget amount": "Las asignaciones suman más que el importe del presupuesto.",
    // Assets, collectibles, real estate, documents, DeFi, rates.
    "An asset's value cannot be negative": "El valor de un activo no puede ser negativo.",
    "A valuation cannot be dated in the future": "Una valuación no puede tener fecha futura.",
    "Required with a past disposedOn: the day the asset was worth this value (without one, the value is today's, after the disposal)":
      "Obligatorio con un disposedOn pasado: el día en que el activo valía esto (sin él, el valor sería el de hoy, posterior a la baja).",
    "Link it first with POST /v1/assets/{assetId}/collectible-link": "Vincúlalo primero con POST /v1/assets/{assetId}/collectible-link.",
    "Only real_estate assets have a Zestimate": "Solo los activos real_estate tienen Zestimate.",
    "The asset has no address; set one with PATCH /v1/assets/{assetId}": "El activo no tiene dirección; asígnale una con PATCH /v1/assets/{assetId}.",
    "No control characters or path separators": "Sin caracteres de control ni separadores de ruta.",
    "Must be 0x followed by 40 hexadecimal characters": "Debe ser 0x seguido de 40 caracteres hexadecimales.",
    "EIP-55 checksum does not match (check the letter case)": "La suma de verificación EIP-55 no coincide (revisa las mayúsculas y minúsculas).",
    "Unknown currency or coin": "Moneda o criptomoneda desconocida.",
    "Unknown currency": "Moneda desconocida.",
    "Must differ from base": "Debe ser distinta de base.",
    "Rates exist for past days and today only": "Solo hay tipos de cambio para días pasados y para hoy.",
    "The same pair (either way round) and day appears twice": "El mismo par (en cualquier sentido) y día aparece dos veces.",
    "Must be a positive decimal with at most 12 digits before and after the point": "Debe ser un decimal positivo con como máximo 12 dígitos antes y después del punto.",
    // Auth, Life Beat, providers.
    "Must be at least 8 characters": "Debe tener al menos 8 caracteres.",
    "Must differ from the current password": "Debe ser distinta de la contraseña actual.",
    "Required: this account has two-factor authentication": "Obligatorio: esta cuenta tiene autenticación de dos factores.",
    "An E.164 phone number, e.g. +14155550123": "Un número de teléfono E.164, por ejemplo +14155550123.",
    "The sms channel needs the owner's phone number": "El canal sms necesita el número de teléfono de la persona titular.",
    "Must be a member of this household with the executor role": "Debe ser miembro de este hogar con el rol de albacea.",
    "No executor is configured; name one": "No hay ningún albacea configurado; nombra uno.",
    "Must be in the future and within 365 days": "Debe ser una fecha futura, dentro de los próximos 365 días.",
    "No Bitso connection": "No hay ninguna conexión de Bitso.",
    "Only the member who connected this login can give it a new password; an admin can disconnect it and connect the login anew":
      "Solo el miembro que conectó este acceso puede darle una nueva contraseña; un administrador puede desconectarlo y volver a conectar el acceso",
    "The connection is disconnected; link the institution again": "La conexión está desconectada; vuelve a vincular la institución.",
    "Not one of this flag's candidate transactions": "No es una de las transacciones candidatas de este aviso.",
    "An API key is printable ASCII with no spaces or colons, as Bitso issues it": "Una clave de API es ASCII imprimible sin espacios ni dos puntos, tal como la emite Bitso.",
    "An API secret is printable ASCII with no spaces, as Bitso issues it": "Un secreto de API es ASCII imprimible sin espacios, tal como lo emite Bitso.",
    // Projections; a figure's name, read inside another message.
    "A life event needs an amount or an incomeChange": "Un evento de vida necesita amount o incomeChange.",
    "Needed with retirementAge (or add a `retirement` life event for the year)": "Se necesita con retirementAge (o agrega un evento de vida `retirement` para ese año).",
    "Must equal annualIncome − annualExpenses when all three are given": "Debe ser igual a annualIncome − annualExpenses cuando se dan los tres.",
    "Cannot exceed annualIncome": "No puede superar annualIncome.",
    "Cannot be below −annualExpenses": "No puede ser menor que −annualExpenses.",
    "Give scenarioIds, or a spaceId to compare its latest saved scenarios": "Indica scenarioIds, o un spaceId para comparar sus escenarios guardados más recientes.",
    "Scenarios compared together must belong to one space": "Los escenarios que se comparan juntos deben pertenecer a un mismo espacio.",
    median: "la mediana",
    "10th percentile": "el percentil 10",
    "90th percentile": "el percentil 90",
    mean: "la media",
    income: "el ingreso",
    expenses: "el gasto",
    savings: "el ahorro",
    // Webhook URLs (webhooks/url-policy.ts).
    "not a valid absolute URL": "No es una URL absoluta válida.",
    "URL must use https": "La URL debe usar https.",
    "URL must not contain credentials": "La URL no puede contener credenciales.",
    "IPv6 zone identifiers are not allowed": "No se permiten identificadores de zona IPv6.",
    "not a valid IPv6 address": "No es una dirección IPv6 válida.",
    "the unspecified and loopback IPv6 addresses are not public": "Las direcciones IPv6 no especificada y de loopback no son públicas.",
    "only global unicast IPv6 addresses (2000::/3) are public; this is loopback, link-local, unique-local, multicast or reserved":
      "Solo las direcciones IPv6 unicast globales (2000::/3) son públicas; esta es de loopback, link-local, unique-local, multicast o reservada.",
    "2001::/23 (IETF protocol assignments, including Teredo) is not a public target": "2001::/23 (asignaciones de protocolos del IETF, incluido Teredo) no es un destino público.",
    "2001:db8::/32 is for documentation": "2001:db8::/32 está reservado para documentación.",
    "3fff::/20 is for documentation": "3fff::/20 está reservado para documentación.",
    ...Object.fromEntries(
      Array.from({ length: 9 }, (_, n) => [`At most ${n} decimal places are allowed for this currency`, `Esta moneda admite como máximo ${n} ${n === 1 ? "decimal" : "decimales"}.`]),
    ),
    // Writes that another's write overtook (spaces/access.ts batchAsMember, spaces/members.ts, webhooks/service.ts).
    "Your spaces changed while the household was being created; try again":
      "Tus espacios cambiaron mientras se creaba el hogar; vuelve a intentarlo.",
    "Your access to this space kept changing while this request was made; try again":
      "Tu acceso a este espacio cambió una y otra vez mientras se hacía esta solicitud; vuelve a intentarlo.",
    "The member kept changing while this request was made; read the members and try again":
      "El miembro cambió una y otra vez mientras se hacía esta solicitud; consulta los miembros y vuelve a intentarlo.",
    "The transaction was corrected again while this correction was recorded; send it again":
      "La transacción se corrigió de nuevo mientras se registraba esta corrección; envíala otra vez.",
    "The invitation changed while it was being renewed; read the household and try again":
      "La invitación cambió mientras se renovaba; consulta el hogar y vuelve a intentarlo.",
    "Another admin took this webhook over, or changed its secret, while this request was made; read it and take it over again if you still mean to":
      "Otro administrador tomó este webhook a su cargo, o cambió su secreto, mientras se hacía esta solicitud; consúltalo y vuelve a tomarlo a tu cargo si aún lo quieres.",
  },
  responses: {
    connected: "Cuenta de {provider} conectada correctamente",
    syncedOne: "Se sincronizó 1 transacción",
    synced: "Se sincronizaron {n} transacciones",
    syncFailed: "La sincronización falló",
    syncFailedAfterOne: "La sincronización falló después de sincronizar 1 transacción",
    syncFailedAfter: "La sincronización falló después de sincronizar {n} transacciones",
    syncLeftOutOne: "Se omitió 1 elemento en una moneda que no se puede importar ({codes})",
    syncLeftOut: "Se omitieron {n} elementos en monedas que no se pueden importar ({codes})",
    skippedManual: "cuenta manual: no hay nada que sincronizar",
    skippedNoConnection: "sin conexión con un proveedor",
    skippedDisconnected: "conexión desconectada",
    uncategorized: "Sin categoría",
    unknownCategory: "Desconocida",
    // QA 13: the dashboard's rest past its top categories when one of them is itself named as "Other" is.
    restOfCategories: "Todo lo demás",
    // QA 13: the notes of a projection, and a forecast's risk factors and method.
    projectionRetirementEventSets: "El evento de vida de retiro (año {year}) fija el año del retiro; con retirementAge {age} habría sido el año {other}",
    projectionRetiredFromStart: "retirementAge {age} no es mayor que currentAge {current}: retiro desde el año 1",
    projectionRetirementPastHorizon: "El retiro a los {age} años cae después del horizonte de {years} años",
    projectionRetirementSpendingUnused: "retirementSpending no se usa: no hay retiro dentro del horizonte (indica retirementAge con currentAge, o un evento de vida `retirement`)",
    projectionContributionNoSpending: "annualContribution sola no da gastos: desde el año del retiro no se retira nada (indica retirementSpending, o annualIncome y annualExpenses)",
    projectionNoLedgerFlow: "No hay ingresos ni gastos en el libro del {from} al {to}: la proyección no supone aportaciones",
    projectionNetWorthIncomplete: "startingNetWorth es el patrimonio neto del espacio el {date} sin las tenencias nombradas arriba (sin tipo de cambio ni precio para ellas)",
    projectionCurrencies: "Los escenarios están en monedas distintas ({currencies}); cada uno se muestra en la suya",
    forecastOverdrawn: "{account} ya está en sobregiro ({balance} {currency})",
    forecastNegative: "Saldo negativo previsto en {account} el {date}",
    forecastIrregularIncome: "Ingresos irregulares",
    forecastSeasonalVariation: "Gran variación estacional del gasto",
    forecastSeasonalSpike: "Pico estacional de gasto previsto en {month} (el año pasado, {percent}% por encima de la media mensual)",
    forecastMethodLastYear: "Series recurrentes ({n}) más una estimación estacional del resto: la mitad, el promedio diario de los últimos 90 días, y la otra mitad, las mismas semanas del año pasado; sin las compras únicas",
    forecastMethodNoLastYear: "Series recurrentes ({n}) más una estimación estacional del resto: el promedio diario de los últimos 90 días (menos de un año de historial); sin las compras únicas",
    // Las notas de las respuestas de analytics, de un tipo de cambio y de los valores por defecto de una proyección.
    forecastFutureRates: "Los importes futuros en otras monedas se convierten al tipo de cambio de hoy (o al del día anterior más cercano)",
    forecastOneOffs: "Fuera de la estimación, como compras únicas, cada una muy por encima del resto del gasto de los últimos 90 días: {purchases}",
    forecastOneOff: "{name} {amount} {currency} el {date}",
    conversionFallback: "No hay tipo de cambio {pair} el {day}: se usó el del {used}, el día anterior más cercano",
    conversionMissing: "Falta el tipo de cambio {pair} el {days} (ninguno en los {lookback} días anteriores): {amount} {currency} {context} no se incluyen en el total en {target}",
    conversionMissingMore: "Falta el tipo de cambio {pair} el {days} y otros días (ninguno en los {lookback} días anteriores): {amount} {currency} {context} no se incluyen en el total en {target}",
    conversionContextTotal: "del total",
    conversionContextNetWorthOn: "del patrimonio neto del {date}",
    conversionContextIncome: "de los ingresos",
    conversionContextExpenses: "de los gastos",
    conversionContextPastExpenses: "de los gastos pasados",
    conversionContextForecast: "del pronóstico",
    conversionContextAnnualIncome: "de los ingresos anuales",
    conversionContextAnnualExpenses: "de los gastos anuales",
    conversionContextBudget: "del gasto del presupuesto {name}",
    rateNone: "No hay tipo de cambio {pair} el {date} ni en los días anteriores",
    rateEarlierDay: "No hay tipo de cambio el {date}: este es el del {used}, el día anterior más cercano",
    pricesUnavailable: "No hay precios de mercado disponibles para {symbols}: estas tenencias se listan como no convertidas, no se cuentan como 0",
    priceStale: "El precio de {symbol} es del {date}: la fuente de precios de mercado no tiene uno más reciente",
    priceMissing: "No hay precio de mercado para {symbols}: estas tenencias se listan como no convertidas, no se cuentan como 0",
    pricesFailed: "No se pudieron obtener los precios de mercado de {symbols}",
    changeUnpriced: "La variación deja fuera {codes} en ambos días: no hay tipo de cambio ni precio {days}",
    changeUnpricedOn: "para {codes} el {day}",
    changeUnpricedOnBoth: "para {codes} el {day} y el {other}",
    changeNewWallets: "La variación deja fuera {names}: vistos por primera vez en el periodo (desde el {from}); no se sabe qué había antes",
    changeNewValues: "La variación deja fuera {names}: valuados por primera vez en el periodo (desde el {from}); no se conoce un valor anterior",
  },
  emails: {
    // A webhook that disabled itself after its run of failed attempts, to its creator (webhooks/notify.ts).
    webhookDisabled: {
      subject: "Dhanam: se desactivó tu webhook a {host}",
      text:
        "Tu webhook {webhookId} del espacio \"{space}\", que envía a {host}, se desactivó el {time} después de {failures} intentos de entrega fallidos seguidos.\n\nMientras esté desactivado no se le envía nada. Las entregas que esperaban un reintento se cancelaron (su registro de entregas las muestra con el error \"Subscription disabled\"), y los eventos que ocurran mientras esté desactivado no se le entregan: reactivarlo no envía ninguno de ellos.\n\nPara volver a recibir eventos, corrige el receptor y reactiva el webhook con PATCH /v1/webhooks/{webhookId} y {\"enabled\": true}; desde ese momento recibe los eventos que se creen. Su registro de entregas (GET /v1/webhooks/{webhookId}/deliveries) muestra cada intento fallido y su error.",
    },
    webhookGone: {
      subject: "Dhanam: se desactivó tu webhook a {host}",
      text:
        "Tu webhook {webhookId} del espacio \"{space}\", que envía a {host}, se desactivó el {time}: su receptor respondió 410 Gone, con lo que pide que se deje de enviarle.\n\nMientras esté desactivado no se le envía nada. Las entregas que esperaban un reintento se cancelaron (su registro de entregas las muestra con el error \"Subscription disabled\"), y los eventos que ocurran mientras esté desactivado no se le entregan: reactivarlo no envía ninguno de ellos.\n\nSi el receptor aún quiere eventos, reactiva el webhook con PATCH /v1/webhooks/{webhookId} y {\"enabled\": true}; desde ese momento recibe los eventos que se creen. Si no, elimina el webhook. Su registro de entregas (GET /v1/webhooks/{webhookId}/deliveries) muestra el intento que recibió la respuesta 410.",
    },
  },
};
