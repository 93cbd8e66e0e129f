import type { Catalogue } from "./catalogue";

/** Português do Brasil (tratamento por "você"). */
export const pt: Catalogue = {
  errors: {
    BAD_REQUEST: "A requisição está malformada.",
    UNAUTHORIZED: "Não foi possível autenticar: as credenciais ou o token são inválidos ou expiraram.",
    FORBIDDEN: "Você não tem permissão para realizar esta operação.",
    VALIDATION_FAILED: "Os dados enviados não são válidos.",
    RESOURCE_NOT_FOUND: "Recurso não encontrado.",
    METHOD_NOT_ALLOWED: "Este método não é permitido neste recurso.",
    DUPLICATE_RESOURCE: "O recurso já existe.",
    CONFLICT: "A requisição entra em conflito com o estado atual do recurso.",
    PAYLOAD_TOO_LARGE: "O corpo da requisição é grande demais.",
    UNSUPPORTED_MEDIA_TYPE: "Envie o corpo da requisição como application/json.",
    PROVIDER_ERROR: "O provedor financeiro recusou a requisição ou falhou.",
    RATE_LIMIT_EXCEEDED: "Requisições demais; tente novamente depois do tempo indicado em Retry-After.",
    INSUFFICIENT_FUNDS: "A conta não tem saldo suficiente.",
    SYNC_IN_PROGRESS: "Já há uma sincronização em andamento para esta conta.",
    ALREADY_REVERTED: "A transação já foi revertida.",
    IDEMPOTENCY_KEY_REUSED: "Esta Idempotency-Key já foi usada com uma requisição diferente.",
    TWO_FACTOR_REQUIRED: "Esta operação exige uma verificação recente do segundo fator.",
    TOKEN_INVALID: "Este link não é válido.",
    TOKEN_EXPIRED: "Este link expirou; solicite um novo.",
    TOKEN_ALREADY_USED: "Este link já foi usado.",
    QUOTA_EXCEEDED: "A cota de armazenamento deste espaço seria excedida.",
    PROVIDER_UNAVAILABLE: "Nenhum provedor está disponível para esta requisição no momento.",
    INTERNAL_ERROR: "Ocorreu um erro inesperado.",
  },
  details: {
    default: "Este valor não é válido.",
    REQUIRED: "Este campo é obrigatório.",
    UNKNOWN_FIELD: "Campo desconhecido: esta requisição não o aceita.",
    INVALID_TYPE: "Este valor é do tipo errado.",
    INVALID_VALUE: "Este valor não é um dos permitidos.",
    INVALID_FORMAT: "Este valor não está no formato esperado.",
    INVALID_EMAIL: "Este endereço de e-mail não é válido.",
    INVALID_UNION: "Este valor não corresponde a nenhuma das formas aceitas.",
    TOO_SMALL: "Este valor é pequeno ou curto demais.",
    TOO_BIG: "Este valor é grande ou longo demais.",
    INVALID_AMOUNT: "Este valor não é válido para a moeda.",
    INEXACT_NUMBER: "Este número não pode ser representado com exatidão; envie-o como uma string decimal.",
    INVALID_TEXT: "Este texto contém um substituto (surrogate) sem par; envie Unicode bem formado.",
    CURRENCY_MISMATCH: "As moedas não coincidem.",
    INSUFFICIENT_FUNDS: "Saldo insuficiente.",
    INVALID_CURSOR: "Este cursor não é válido.",
    CURSOR_CONFLICT: "Isto difere da consulta que o cursor pagina; envie o cursor sozinho ou com os mesmos valores.",
    INVALID_KEY: "Esta chave não é permitida.",
    INVALID_BOOKMARK: "Este marcador não é válido.",
    INVALID_RANGE: "Este intervalo não é válido.",
    INVALID_CODE: "Este código não é válido.",
    INVALID_PASSWORD: "A senha não está correta.",
    SAME_AS_CURRENT: "Deve ser diferente do valor atual.",
  },
  templates: {
    // The request itself.
    "Request body exceeds {bytes} bytes": "O corpo da requisição excede {bytes} bytes.",
    "{method} is not allowed on this path": "{method} não é permitido neste caminho.",
    "No route for {method} {path}": "Não há rota para {method} {path}.",
    "No route for {method} {path} (did you mean {suggestion}?)": "Não há rota para {method} {path} (você quis dizer {suggestion}?).",
    "Validation failed for the provided data (and {n} more unknown query parameters)":
      "Os dados enviados não são válidos (e mais {n} parâmetros de consulta desconhecidos).",
    "Too many requests for the {policy} policy; retry later": "Requisições demais para a política {policy}; tente novamente mais tarde.",
    "At most {n} members may be added a day; retry later": "É possível adicionar no máximo {n} membros por dia; tente novamente mais tarde.",
    // The ledger: a refusal of one transaction of a batch names it.
    "{message} (transaction {i} of the batch)": "{message} (transação {i} do lote).",
    "Reference {reference} is already used in this space": "A referência {reference} já está em uso neste espaço.",
    "Account {address} has insufficient {asset} funds": "A conta {address} não tem saldo suficiente de {asset}.",
    "Account {address} would have a negative {asset} balance on {day}; it may not overdraw at any date":
      "A conta {address} ficaria com saldo negativo de {asset} em {day}; ela não pode ficar negativa em nenhuma data.",
    "The {asset} balance of {address} would pass the largest supported balance ({max} minor units in either direction)":
      "O saldo de {asset} de {address} ultrapassaria o maior saldo suportado ({max} unidades menores em qualquer direção).",
    "The {asset} balance of {address} at {day} would pass the largest supported balance ({max} minor units in either direction)":
      "O saldo de {asset} de {address} em {day} ultrapassaria o maior saldo suportado ({max} unidades menores em qualquer direção).",
    "{address} is not an account of this space": "{address} não é uma conta deste espaço.",
    "{address} holds {asset}, not {other}": "{address} contém {asset}, não {other}.",
    "Account {id} is disconnected or inactive; it accepts no new entries": "A conta {id} está desconectada ou inativa; não aceita novos lançamentos.",
    "Account {id} is or was below zero ({lowest} at its lowest); it cannot forbid overdraft over that history":
      "A conta {id} está ou esteve abaixo de zero ({lowest} no ponto mais baixo); não é possível proibir saldo negativo sobre esse histórico.",
    "A transaction holds at most {max} metadata keys; this would leave {n}": "Uma transação admite no máximo {max} chaves de metadados; ficariam {n}.",
    "An account holds at most {max} metadata keys; this would leave {n}": "Uma conta admite no máximo {max} chaves de metadados; ficariam {n}.",
    "Transaction {seq} not found": "Transação {seq} não encontrada.",
    "Transaction {seq} has already been reverted": "A transação {seq} já foi revertida.",
    "Transaction {seq} is itself a revert": "A transação {seq} é ela própria uma reversão.",
    "Transaction {seq} reclassifies Dhanam transactions; change their category instead of reverting it":
      "A transação {seq} reclassifica transações do Dhanam; altere a categoria delas em vez de revertê-la.",
    "{n} transactions use this category; pass ?reassignTo=<categoryId> to move them first":
      "{n} transações usam esta categoria; passe ?reassignTo=<categoryId> para movê-las primeiro.",
    "Category {id} was already deleted without reassignTo; it cannot be merged now": "A categoria {id} já foi excluída sem reassignTo; agora não pode mais ser mesclada.",
    "Category {id} was already merged into {into}; only that deletion (reassignTo={again}) can be repeated":
      "A categoria {id} já foi mesclada em {into}; só essa exclusão (reassignTo={again}) pode ser repetida.",
    // A status or type is the API's own value, quoted as it is.
    "A {status} transaction cannot be posted": "Uma transação com status {status} não pode ser lançada.",
    'This space already has the {type} category "{name}" there ({id})': 'Este espaço já tem ali a categoria do tipo {type} "{name}" ({id}).',
    'Its subcategory "{name}" ({id}) would move up beside "{other}" ({otherId}): rename or merge one of them first':
      'A subcategoria "{name}" ({id}) subiria para junto de "{other}" ({otherId}): primeiro renomeie ou mescle uma delas.',
    // Analytics, documents, collectibles, real estate.
    "At most {max} points per request: widen the interval or narrow the range": "No máximo {max} pontos por requisição: aumente o intervalo ou reduza o período.",
    "This space's document storage quota of {quota} bytes would be exceeded": "A cota de armazenamento de documentos deste espaço, de {quota} bytes, seria excedida.",
    "This upload takes Content-Type {type}": "Este upload aceita Content-Type {type}.",
    "The body's length does not match its Content-Length of {n} bytes": "O tamanho do corpo não corresponde ao Content-Length de {n} bytes.",
    "The file exceeds this upload's limit of {cap} bytes": "O arquivo excede o limite deste upload, de {cap} bytes.",
    "{provider}: no market price for this item right now": "{provider}: não há preço de mercado para este item no momento.",
    'The collectible provider "{name}" is not available in this deployment': 'O provedor de colecionáveis "{name}" não está disponível nesta implantação.',
    "Real-estate valuations are not configured ({setting})": "As avaliações de imóveis não estão configuradas ({setting}).",
    // Providers and syncs.
    "A sync of connection {id} is already in progress": "Já há uma sincronização da conexão {id} em andamento.",
    "This flag was already resolved ({resolution})": "Este alerta já foi resolvido ({resolution}).",
    "Webhook verification failed: {reason}": "A verificação do webhook falhou: {reason}.",
    "This {provider} login is already connected in this space.": "Este login do {provider} já está conectado neste espaço.",
    "This {provider} login is already connected in this space (connection {id}).": "Este login do {provider} já está conectado neste espaço (conexão {id}).",
    "This {provider} account is already connected in this space.": "Esta conta do {provider} já está conectada neste espaço.",
    "This {provider} account is already connected in this space (connection {id}).": "Esta conta do {provider} já está conectada neste espaço (conexão {id}).",
    "{message} It needs attention ({status}): repair it in Link's update mode (POST /v1/providers/plaid/link-token with its connectionId).":
      "{message}. A conexão precisa de atenção ({status}): repare-a no modo de atualização do Link (POST /v1/providers/plaid/link-token com o connectionId dela).",
    "{message} It needs attention ({status}): disconnect it (DELETE /v1/providers/connections/{id}) before connecting again.":
      "{message}. A conexão precisa de atenção ({status}): desconecte-a (DELETE /v1/providers/connections/{id}) antes de conectar de novo.",
    // Life Beat.
    "This executor already has a live manual grant ({id}, until {until}); check in to end it before granting again":
      "Este testamenteiro já tem uma concessão manual vigente ({id}, até {until}); faça check-in para encerrá-la antes de conceder outra.",
  },
  phrases: {
    "Invalid email or password": "E-mail ou senha incorretos.",
    "Authentication token invalid or expired": "O token de autenticação é inválido ou expirou.",
    "Access token expired; renew it with POST /v1/auth/refresh": "O token de acesso expirou; renove-o com POST /v1/auth/refresh.",
    "The access token has expired": "O token de acesso expirou.",
    "Missing bearer token": "Falta o token de autenticação (Authorization: Bearer).",
    "Session has ended": "A sessão foi encerrada; faça login novamente.",
    "Refresh token expired": "O token de renovação expirou; faça login novamente.",
    "Refresh token invalid": "O token de renovação não é válido.",
    "Refresh token was already used; the session has been revoked": "O token de renovação já foi usado; a sessão foi revogada.",
    "The account's password or second factor changed while signing in; sign in again":
      "A senha ou o segundo fator da conta mudou durante o login; faça login novamente.",
    "The password or this session changed while the request ran; sign in again":
      "A senha ou esta sessão mudou enquanto a requisição era processada; faça login novamente.",
    "Authentication required": "É necessário autenticar-se.",
    "An account with this email already exists": "Já existe uma conta com este e-mail.",
    "This account requires a two-factor code (totpCode)": "Esta conta exige um código de dois fatores (totpCode).",
    "Call POST /v1/auth/2fa/setup first": "Primeiro chame POST /v1/auth/2fa/setup.",
    "Incorrect password": "A senha está incorreta.",
    "Invalid or already used code": "O código é inválido ou já foi usado.",
    "Too many wrong attempts at the password for this account; retry later":
      "Tentativas erradas de senha demais nesta conta; tente novamente mais tarde.",
    "Too many wrong attempts at the two-factor code for this account; retry later":
      "Tentativas erradas do código de dois fatores demais nesta conta; tente novamente mais tarde.",
    "Invalid or already used two-factor code": "O código de dois fatores é inválido ou já foi usado.",
    "Confirm your second factor with POST /v1/auth/2fa/verify first": "Primeiro confirme seu segundo fator com POST /v1/auth/2fa/verify.",
    "Enable two-factor authentication to perform this operation": "Ative a autenticação de dois fatores para realizar esta operação.",
    "You can only remove members below your own role": "Você só pode remover membros com um papel inferior ao seu.",
    "You can only grant roles below your own": "Você só pode conceder papéis inferiores ao seu.",
    "You can only change members, and grant roles, below your own role": "Você só pode alterar membros, e conceder papéis, inferiores ao seu.",
    "The owner cannot leave or be removed; delete the space instead": "A pessoa proprietária não pode sair nem ser removida; em vez disso, exclua o espaço.",
    "The owner cannot grant access to themselves": "A pessoa titular não pode conceder acesso a si mesma.",
    "The owner cannot be removed from the household": "A pessoa titular não pode ser removida do grupo familiar.",
    "Only a space's owner may share it with a household": "Só a pessoa proprietária de um espaço pode compartilhá-lo com um grupo familiar.",
    "Emergency access is read-only": "O acesso de emergência é somente leitura.",
    "That user is already a member of this space": "Essa pessoa já é membro deste espaço.",
    "That email is already a member of this household": "Esse e-mail já é membro deste grupo familiar.",
    "You are already a member of this household": "Você já é membro deste grupo familiar.",
    "Too many invitations from this account, or to this address; retry later":
      "Convites demais desta conta ou para este endereço; tente novamente mais tarde.",
    "This executor already has a live manual grant; check in to end it before granting again":
      "Este testamenteiro já tem uma concessão manual vigente; faça check-in para encerrá-la antes de conceder outra.",
    "Holds a bidirectional control character (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F or U+061C), which would change how it reads: send the name without it":
      "Contém um caractere de controle de direção (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F ou U+061C), que mudaria a forma como ele é lido: envie o nome sem ele.",
    "This link is no longer valid: the member it was issued to can no longer use it in this space":
      "Este link não é mais válido: a pessoa para quem ele foi emitido não pode mais usá-lo neste espaço.",
    // What a 404 names: the thing not found (notFound, and the resource names the access checks hand it).
    "Account not found": "Conta não encontrada.",
    "Asset not found": "Ativo não encontrado.",
    "Budget not found": "Orçamento não encontrado.",
    "Catalog item not found": "Item do catálogo não encontrado.",
    "Category not found": "Categoria não encontrada.",
    "Connection not found": "Conexão não encontrada.",
    "Document not found": "Documento não encontrado.",
    "Household not found": "Grupo familiar não encontrado.",
    "Invitation not found": "Convite não encontrado.",
    "Job not found": "Tarefa não encontrada.",
    "Member not found": "Membro não encontrado.",
    "Platform not found": "Plataforma não encontrada.",
    "Projection scenario not found": "Cenário de projeção não encontrado.",
    "Recurring series not found": "Série recorrente não encontrada.",
    "Review flag not found": "Alerta de revisão não encontrado.",
    "Session not found": "Sessão não encontrada.",
    "Space not found": "Espaço não encontrado.",
    "Sync job not found": "Tarefa de sincronização não encontrada.",
    "Transaction not found": "Transação não encontrada.",
    "User not found": "Usuário não encontrado.",
    "Wallet not found": "Carteira não encontrada.",
    "Webhook not found": "Webhook não encontrado.",
    "No property found at this address": "Nenhum imóvel encontrado neste endereço.",
    "The linked catalog item no longer exists": "O item do catálogo vinculado não existe mais.",
    // The request itself.
    "Malformed request": "A requisição está malformada.",
    "Request failed": "A requisição falhou.",
    "Request body is too large": "O corpo da requisição é grande demais.",
    "Must be a bookmark this API returned": "Deve ser um marcador retornado por esta API.",
    // Documents.
    "Malformed Content-Length": "O Content-Length está malformado.",
    "The body is empty: a document has at least one byte": "O corpo está vazio: um documento tem pelo menos um byte.",
    "This upload link has already been used": "Este link de upload já foi usado.",
    // The ledger and transactions.
    "Two transactions in this request share a reference": "Duas transações desta requisição compartilham uma referência.",
    "The category was deleted": "A categoria foi excluída.",
    "The ledger could not confirm this write; retry with the same Idempotency-Key":
      "O livro-razão não conseguiu confirmar esta gravação; tente novamente com a mesma Idempotency-Key.",
    "Transaction is already voided": "A transação já foi anulada.",
    "The budget kept changing while this request was applied; read it and try again":
      "O orçamento continuou mudando enquanto esta requisição era aplicada; leia-o de novo e tente novamente.",
    // Providers, syncs and their review flags.
    "Connection is already disconnected": "A conexão já está desconectada.",
    "Synced less than 15 minutes ago; retry later or send force: true":
      "Sincronizado há menos de 15 minutos; tente novamente mais tarde ou envie force: true.",
    "This wallet is already connected to the space": "Esta carteira já está conectada ao espaço.",
    "Unknown provider for this category": "Provedor desconhecido para esta categoria.",
    "The asset is not linked to a collectible catalog item": "O ativo não está vinculado a um item do catálogo de colecionáveis.",
    "The sneaks provider is not configured (SNEAKS_BASE_URL)": "O provedor sneaks não está configurado (SNEAKS_BASE_URL).",
    "bitso: sandbox key could not be issued": "bitso: não foi possível emitir a chave do sandbox.",
    "Webhook Authorization is missing or wrong": "O cabeçalho Authorization do webhook está ausente ou errado.",
    "Webhook body is not a JSON object": "O corpo do webhook não é um objeto JSON.",
    "The webhook's verification key cannot be fetched now; retry later":
      "Não é possível obter agora a chave de verificação do webhook; tente novamente mais tarde.",
    "This flag was already resolved": "Este alerta já foi resolvido.",
    "This flag was closed: none of its candidates is pending any more (one was merged or removed), or its posted transaction was removed; there is nothing left to resolve":
      "Este alerta foi fechado: nenhum dos candidatos está mais pendente (um foi mesclado ou removido), ou a transação lançada foi removida; não resta nada a resolver.",
    "A sync of this connection is in progress; resolve the flag when it has finished":
      "Há uma sincronização desta conexão em andamento; resolva o alerta quando ela terminar.",
    "The flagged transaction no longer exists": "A transação sinalizada não existe mais.",
    "The flagged transaction's account is no longer linked to a provider": "A conta da transação sinalizada não está mais vinculada a um provedor.",
    "The pending transaction is not in the flagged transaction's account": "A transação pendente não está na conta da transação sinalizada.",
    "These transactions changed since they were flagged (posted, merged or removed); there is nothing to merge":
      "Estas transações mudaram desde que foram sinalizadas (lançadas, mescladas ou removidas); não há nada para mesclar.",
    "The account is disconnected or inactive and the posted amount differs from the pending one: a merge would need a correcting entry the account no longer takes; void the duplicate instead":
      "A conta está desconectada ou inativa e o valor lançado difere do pendente: uma mesclagem exigiria um lançamento de correção que a conta não aceita mais; em vez disso, anule a duplicata.",
    "Your role in this space does not allow this operation": "Seu papel neste espaço não permite esta operação.",
    "Only the household's owner may do this": "Só a pessoa titular do grupo familiar pode fazer isso.",
    "This invitation was sent to another email address": "Este convite foi enviado para outro endereço de e-mail.",
    "Escalation days must be strictly increasing": "Os dias de escalonamento devem ser estritamente crescentes.",
    "Must be 1 (yearly steps) or 12 (monthly steps)": "Deve ser 1 (passos anuais) ou 12 (passos mensais).",
    "Must be an IANA time zone such as America/Mexico_City": "Deve ser um fuso horário IANA, como America/Sao_Paulo.",
    // The date fields' rules (lib/dates.ts), one detail each with code INVALID_DATE; offsets as Brazil writes them.
    "Must be a date YYYY-MM-DD, such as 2024-01-31": "Deve ser uma data AAAA-MM-DD, como 2024-01-31.",
    "Must be a date-time with an offset, such as 2024-01-31T09:30:00-06:00 or 2024-01-31T15:30:00Z":
      "Deve ser uma data e hora com o deslocamento do fuso horário, como 2024-01-31T09:30:00-03:00 ou 2024-01-31T15:30:00Z.",
    "Must be a date YYYY-MM-DD or a date-time with an offset, such as 2024-01-31 or 2024-01-31T09:30:00-06:00":
      "Deve ser uma data AAAA-MM-DD ou uma data e hora com o deslocamento do fuso horário, como 2024-01-31 ou 2024-01-31T09:30:00-03:00.",
    "At most millisecond precision: the digits past it would be lost": "No máximo precisão de milissegundos: os dígitos além disso seriam perdidos.",
    "Must be in the years 1800 to 2999": "Deve estar entre os anos 1800 e 2999.",
    "Must be in the years 1800 to 2999 in every time zone": "Deve estar entre os anos 1800 e 2999 em todos os fusos horários.",
    "The offset must be between -14:00 and +14:00": "O deslocamento do fuso horário deve estar entre -14:00 e +14:00.",
    "Must be a number of days such as 7d, 30d or 90d, or 1y": "Deve ser um número de dias, como 7d, 30d ou 90d, ou 1y.",
    "At most 365d": "No máximo 365d.",
    // A missing field some checks name so (lib/explained.ts, a transaction's amount).
    Required: "Este campo é obrigatório.",
    "Must be positive": "Deve ser maior que zero.",
    "Must not be negative": "Não pode ser negativo.",
    "Must be a finite number": "Deve ser um número finito.",
    "Must be an integer written in decimal digits": "Deve ser um número inteiro escrito com dígitos decimais.",
    // The API reads a decimal point, not the comma Brazil writes: say so.
    "Must be a decimal number such as 12.34": "Deve ser um número decimal com ponto, como 12.34.",
    'Must be a decimal number as a string or a JSON number, such as "12.34"': 'Deve ser um número decimal com ponto, como string ou número JSON, por exemplo "12.34".',
    'Must be a whole number of the asset\'s minor units (150 is 1.50 in USD/2): a JSON integer, or a string of digits without leading zeros such as "150"':
      'Deve ser um número inteiro de unidades mínimas do ativo (150 é 1.50 em USD/2): um inteiro JSON, ou uma string de dígitos sem zeros à esquerda, como "150".',
    // A ledger posting's and transaction's rules.
    "Source and destination must differ": "A origem e o destino devem ser diferentes.",
    "At most 64 metadata keys": "No máximo 64 chaves de metadados.",
    "Amount is too large": "O valor é grande demais.",
    "Two-factor authentication is already enabled": "A autenticação de dois fatores já está ativada.",
    "Two-factor authentication is not enabled": "A autenticação de dois fatores não está ativada.",
    // A name's rules (visible-text.ts): the generic INVALID_VALUE wording would say the name is "not an allowed option".
    "Must be on one line": "Deve estar em uma única linha.",
    "Must contain a visible character": "Deve conter ao menos um caractere visível.",
    // A new password's rule (auth/schemas.ts).
    "Must not be only spaces": "Não pode conter apenas espaços.",
    // INVALID_TEXT's standard wording is about unpaired surrogates: a control character needs its own.
    "Holds a control character (U+0000-U+001F other than tab and line breaks, or U+007F): send printable text":
      "Contém um caractere de controle (U+0000-U+001F, exceto tabulação e quebras de linha, ou U+007F): envie texto imprimível.",
    // A body that is not UTF-8, or says it is in another charset (middleware/utf8-json.ts).
    // Hono's own words for a body that does not parse (its JSON validator), the most common 400.
    "Malformed JSON in request body": "O corpo da requisição não é um JSON válido.",
    "The request body is not valid UTF-8: send JSON encoded as UTF-8 (RFC 8259)": "O corpo da requisição não é UTF-8 válido: envie o JSON codificado em UTF-8 (RFC 8259).",
    "Send the request body as UTF-8 JSON: application/json with no charset, or charset=utf-8":
      "Envie o corpo da requisição como JSON em UTF-8: application/json sem charset, ou com charset=utf-8.",
    ...Object.fromEntries(
      Array.from({ length: 9 }, (_, n) => [
        `At most ${n} decimal places are allowed for this currency`,
        `Esta moeda admite no máximo ${n} ${n === 1 ? "casa decimal" : "casas decimais"}.`,
      ]),
    ),
  },
};
