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
    IDEMPOTENCY_KEY_REUSED: "Esta Idempotency-Key já foi usada com uma requisição diferente; envie uma chave nova para uma requisição nova, ou o corpo da primeira requisição para receber de novo a resposta dela.",
    TWO_FACTOR_REQUIRED: "Esta operação exige uma verificação recente do segundo fator.",
    TOKEN_INVALID: "Este link não é válido.",
    TOKEN_EXPIRED: "Este link expirou; solicite um novo.",
    TOKEN_ALREADY_USED: "Este link já foi usado.",
    QUOTA_EXCEEDED: "A cota de armazenamento deste espaço seria excedida.",
    PROVIDER_UNAVAILABLE: "Nenhum provedor está disponível para esta requisição no momento.",
    INTERNAL_ERROR: "Ocorreu um erro inesperado.",
  },
  titles: {
    400: "Requisição inválida",
    401: "Não autorizado",
    403: "Proibido",
    404: "Não encontrado",
    405: "Método não permitido",
    409: "Conflito",
    410: "Não está mais disponível",
    413: "Conteúdo muito grande",
    415: "Tipo de mídia não suportado",
    422: "Entidade não processável",
    429: "Requisições em excesso",
    500: "Erro interno do servidor",
    502: "Gateway inválido",
    503: "Serviço indisponível",
    other: "Erro",
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
    "At most {n} decimal places are read": "São lidas no máximo {n} casas decimais.",
    "Unknown query parameter: did you mean {field}?": "Parâmetro de consulta desconhecido: você quis dizer {field}?",
    "Unknown field: did you mean {field}?": "Campo desconhecido: você quis dizer {field}?",
    // The request itself.
    "Request body exceeds {bytes} bytes": "O corpo da requisição excede {bytes} bytes.",
    "{method} is not allowed on this path; it takes {allowed}": "{method} não é permitido neste caminho; aceita {allowed}.",
    "No route for {method} {path}": "Não há rota para {method} {path}.",
    "No route for {method} {path} (did you mean {suggestion}?)": "Não há rota para {method} {path} (você quis dizer {suggestion}?).",
    "Validation failed for the provided data (and {n} more unknown fields)": "Os dados enviados não são válidos (e mais {n} campos desconhecidos).",
    "Validation failed for the provided data (and {n} more unknown query parameters)":
      "Os dados enviados não são válidos (e mais {n} parâmetros de consulta desconhecidos).",
    "Too many requests for the {policy} policy; retry later": "Requisições demais para a política {policy}; tente novamente mais tarde.",
    "This operation needs the {min} role or above in this space (yours is {role}); ask the space's owner or an admin for it":
      "Esta operação exige o papel {min} ou superior neste espaço (o seu é {role}); peça-o ao dono ou a um administrador do espaço.",
    "Only the space's owner may do this (your role is {role})": "Só o dono do espaço pode fazer isto (seu papel é {role}).",
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
    // A duplicate category: its type in words, one template a type (a name may hold any text; the id, one token, anchors the reading).
    'This space already has an expense category "{name}" there ({id})': 'Este espaço já tem uma categoria de despesas "{name}" nesse mesmo nível ({id}).',
    'This space already has an income category "{name}" there ({id})': 'Este espaço já tem uma categoria de receitas "{name}" nesse mesmo nível ({id}).',
    'This space already has a transfer category "{name}" there ({id})': 'Este espaço já tem uma categoria de transferências "{name}" nesse mesmo nível ({id}).',
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
    "{message} It needs attention ({status}): repair it with the new password (POST /v1/providers/belvo/repair with its connectionId).":
      "{message}. A conexão precisa de atenção ({status}): repare-a com a nova senha (POST /v1/providers/belvo/repair com o connectionId dela).",
    "{message} It needs attention ({status}): disconnect it (DELETE /v1/providers/connections/{id}) before connecting again.":
      "{message}. A conexão precisa de atenção ({status}): desconecte-a (DELETE /v1/providers/connections/{id}) antes de conectar de novo.",
    // Life Beat.
    "This executor already has a live manual grant ({id}, until {until}); check in to end it before granting again":
      "Este testamenteiro já tem uma concessão manual vigente ({id}, até {until}); faça check-in para encerrá-la antes de conceder outra.",
    // A field's detail (the `message` of each entry of `details`): the values, as the code writes them.
    "The balance would be below zero on {day}": "O saldo ficaria abaixo de zero em {day}.",
    "{address} would be out of range at that date": "{address} ficaria fora do intervalo permitido nessa data.",
    "{address} would be out of range": "{address} ficaria fora do intervalo permitido.",
    "Balance would be {balance}": "O saldo ficaria em {balance}.",
    "At most {max} keys with those already set": "No máximo {max} chaves, contando as já definidas.",
    "The account's balance was {lowest} at its lowest": "O saldo da conta chegou a {lowest} no ponto mais baixo.",
    "Must be {asset} for this account": "Deve ser {asset} para esta conta.",
    "At most {max} metadata keys": "No máximo {max} chaves de metadados.",
    "At most {max} metadata filters": "No máximo {max} filtros de metadados.",
    "At most {max} segments": "No máximo {max} segmentos.",
    "A segment is at most {max} characters": "Um segmento tem no máximo {max} caracteres.",
    "A segment with * is at most {max} characters": "Um segmento com * tem no máximo {max} caracteres.",
    "{address} mirrors Dhanam accounts and categories; move its money with /v1/transactions so rows and ledger agree":
      "{address} espelha contas e categorias do Dhanam; movimente o dinheiro dela com /v1/transactions para que os registros e o livro-razão concordem.",
    "Must not be before {field}": "Não pode ser anterior a {field}.",
    "{n} cannot be held exactly by a JSON number; send it as a decimal string": "{n} não pode ser representado com exatidão por um número JSON; envie-o como string decimal.",
    // A rule's pattern (lib/safe-regex.ts) and an address filter (ledger/addresses.ts).
    "\\{letter} is not supported": "\\{letter} não é suportado.",
    "Unexpected '{char}' at {i}": "'{char}' inesperado na posição {i}.",
    "Bad range {lo}-{hi}": "Intervalo inválido: {lo}-{hi}.",
    "Pattern is longer than {max} characters": "O padrão tem mais de {max} caracteres.",
    '{condition} needs a value with a letter or digit in it; "{value}" matches every text':
      '{condition} precisa de um valor com ao menos uma letra ou um dígito; "{value}" corresponde a qualquer texto.',
    "amount_between: {message}": "amount_between: {message}.",
    // Categories and budgets: a category's kind ("an income category") is a message of its own, among the phrases.
    "Parent is {message}": "A categoria pai é {message}.",
    'Must be {message}, as the one deleted is: "{name}" is {message2}': 'Deve ser {message}, como a que está sendo excluída: "{name}" é {message2}.',
    'Budgets track spending: "{name}" is {message}, not an expense category': 'Orçamentos acompanham gastos: "{name}" é {message}, não uma categoria de despesas.',
    "A space may have at most {max} budgets": "Um espaço pode ter no máximo {max} orçamentos.",
    "A space may have at most {max} categories": "Um espaço pode ter no máximo {max} categorias.",
    "A space may have at most {max} rules": "Um espaço pode ter no máximo {max} regras.",
    "The space's rules would hold more than {max} characters of conditions every transaction is matched against: use fewer or shorter conditions":
      "As regras do espaço teriam mais de {max} caracteres de condições com os quais cada transação é comparada: use menos condições ou condições mais curtas.",
    "A space may have at most {max} webhooks": "Um espaço pode ter no máximo {max} webhooks.",
    "Webhook {id} of this space already sends some of these events to this URL: change its events instead of adding another":
      "O webhook {id} deste espaço já envia alguns destes eventos para esta URL: altere os eventos dele em vez de adicionar outro.",
    "A space may hold at most {max} accounts": "Um espaço pode ter no máximo {max} contas.",
    "A space may have at most {max} assets; delete one first": "Um espaço pode ter no máximo {max} ativos; exclua um primeiro.",
    "A space may have at most {max} saved projection scenarios; delete one, or send save: false to run one without saving it": "Um espaço pode ter no máximo {max} cenários de projeção salvos; exclua um, ou envie save: false para executar um sem salvá-lo.",
    "A space may connect at most {max} wallets": "Um espaço pode conectar no máximo {max} carteiras.",
    "At most {n} wallet syncs (or connections) a minute across all your spaces; retry later":
      "No máximo {n} sincronizações (ou conexões) de carteiras por minuto em todos os seus espaços; tente novamente mais tarde.",
    "At most {n} institution links a minute across all your spaces; retry later":
      "No máximo {n} vinculações de instituições por minuto em todos os seus espaços; tente novamente mais tarde.",
    "A user may own at most {max} spaces; delete one first": "Um usuário pode ser dono de no máximo {max} espaços; exclua um primeiro.",
    "You already own {max} spaces, the most a user may own; delete one first": "Você já é dono de {max} espaços, o máximo que um usuário pode ter; exclua um primeiro.",
    "That member already owns {max} spaces, the most a user may own": "Esse membro já é dono de {max} espaços, o máximo que um usuário pode ter.",
    "Differs from the run the cursor continues (dryRun: {value}); send the same dryRun": "Difere da execução que o cursor continua (dryRun: {value}); envie o mesmo dryRun.",
    "The space's regex rules would hold more than the {max} pattern states every transaction is matched against: use simpler patterns or contains/equals conditions":
      "As regras regex do espaço teriam mais do que os {max} estados de padrão com que cada transação é comparada: use padrões mais simples ou condições contains/equals.",
    // Transactions and trades.
    "The account holds {currency}; amounts are in the account's currency": "A conta é em {currency}; os valores são na moeda da conta.",
    "The accounts hold {currency} and {to}: send toAmount, the {arrived} that arrived": "As contas são em {currency} e {to}: envie toAmount, os {arrived} que chegaram.",
    "{symbol} is a coin: exchanging it for another currency is a trade (its gain or loss counts), not a transfer":
      "{symbol} é uma criptomoeda: trocá-la por outra moeda é uma operação (trade, conta seu ganho ou perda), não uma transferência.",
    "Both accounts hold {currency}: toAmount, if sent, must equal amount": "As duas contas são em {currency}: toAmount, se enviado, deve ser igual a amount.",
    "A trade's {field} is set by the trade (type trade, subtype its side); omit {same}":
      "Em uma operação (trade), {field} é definido pela própria operação (type trade, subtype o lado dela); omita {same}.",
    "{symbol} is a currency, not a security or coin: a trade buys or sells units of one":
      "{symbol} é uma moeda, não um título nem uma criptomoeda: uma operação compra ou vende unidades de um deles.",
    "{symbol} is the account's own currency; record the trade in the account that pays for it":
      "{symbol} é a moeda da própria conta; registre a operação na conta que paga por ela.",
    "A {type} account holds no securities; trade in an investment account": "Uma conta do tipo {type} não contém títulos; opere em uma conta de investimentos.",
    'A buy of these terms moves {cash} {currency} of cash; omit amount or send "{amount}"':
      'Uma compra nestes termos movimenta {cash} {currency} em dinheiro; omita amount ou envie "{amount}".',
    'A sell of these terms moves {cash} {currency} of cash; omit amount or send "{amount}"':
      'Uma venda nestes termos movimenta {cash} {currency} em dinheiro; omita amount ou envie "{amount}".',
    "quantity × unitPrice is less than half of the account currency's smallest unit ({amount} {currency})":
      "quantity × unitPrice é menor que metade da menor unidade da moeda da conta ({amount} {currency}).",
    "Must be one of: {list}": "Deve ser um destes: {list}.",
    "Must be {message}": "Deve ser {message}.",
    "More than {max} entries; narrow the range": "Mais de {max} lançamentos; reduza o intervalo.",
    // Analytics and recurring series.
    "This range has {count} day points; the limit is {max}": "Este intervalo tem {count} pontos diários; o limite é {max}.",
    "This range has {count} week points; the limit is {max}": "Este intervalo tem {count} pontos semanais; o limite é {max}.",
    "This range has {count} month points; the limit is {max}": "Este intervalo tem {count} pontos mensais; o limite é {max}.",
    "History ends today ({day} in the space's time zone); the days ahead are the forecast's (GET /v1/analytics/forecast)":
      "O histórico termina hoje ({day} no fuso horário do espaço); os dias seguintes são da previsão (GET /v1/analytics/forecast).",
    "Only an edit changes {field}; {action} keeps the series as it is": "Só uma edição (edit) altera {field}; {action} mantém a série como está.",
    // Assets, collectibles, real estate, documents.
    "The asset was disposed of on {day}; a valuation cannot be dated after that (clear disposedOn first if it is held again)":
      "O ativo foi baixado em {day}; uma avaliação não pode ter data posterior a isso (se ele voltar a ser seu, limpe disposedOn primeiro).",
    "Cannot be after today ({day} in the space's time zone)": "Não pode ser posterior a hoje ({day} no fuso horário do espaço).",
    "Cannot be before the asset's first valuation ({day})": "Não pode ser anterior à primeira avaliação do ativo ({day}).",
    'No provider "{name}" for category "{category}"': 'Não há provedor "{name}" para a categoria "{category}".',
    "One of {list}": "Um destes: {list}.",
    "A {type} asset is not valued from a {category} catalog item": "Um ativo do tipo {type} não é avaliado por um item do catálogo de {category}.",
    "{provider} values in {currency}; this asset is valued in {own}": "{provider} avalia em {currency}; este ativo é avaliado em {own}.",
    "Zestimates are in USD; this asset is valued in {currency}": "Os Zestimates são em USD; este ativo é avaliado em {currency}.",
    "{used} bytes are used or reserved by pending uploads; this upload needs up to {requested} more":
      "{used} bytes estão em uso ou reservados por uploads pendentes; este upload precisa de até {requested} a mais.",
    "Files may be at most {max} bytes": "Os arquivos podem ter no máximo {max} bytes.",
    "At most {max} uploads may be pending in a space; finish or delete some first":
      "Um espaço pode ter no máximo {max} uploads pendentes; conclua ou exclua alguns primeiro.",
    // Auth, provider review flags.
    "A language tag of one of {list} (such as es-MX or pt-BR)": "Uma tag de idioma de um destes: {list} (como es-MX ou pt-BR).",
    "Required: this flag has {n} candidates": "Obrigatório: este alerta tem {n} transações candidatas.",
    // Projections: a figure's name ("the median") is a message of its own, among the phrases.
    "At most {amount} in magnitude": "No máximo {amount} em valor absoluto.",
    "Must be within the horizon (1 to {years})": "Deve estar dentro do horizonte (1 a {years}).",
    "Too low for a retirement in year {year}": "Baixa demais para uma aposentadoria no ano {year}.",
    "The life events' amounts in year {year} come to {total}, beyond {max} in magnitude":
      "Os valores dos eventos de vida do ano {year} somam {total}, acima de {max} em valor absoluto.",
    "The life events' income changes up to year {year} come to {total}, beyond {max} in magnitude":
      "As mudanças de renda dos eventos de vida até o ano {year} somam {total}, acima de {max} em valor absoluto.",
    "The space's net worth ({value}) is beyond what a projection takes (at most {max} in magnitude): give {field} (POST /v1/projections)":
      "O patrimônio líquido do espaço ({value}) excede o que uma projeção aceita (no máximo {max} em valor absoluto): informe {field} (POST /v1/projections).",
    "The space's income over the last 12 months ({value}) is beyond what a projection takes (at most {max} in magnitude): give {field} (POST /v1/projections)":
      "A renda do espaço nos últimos 12 meses ({value}) excede o que uma projeção aceita (no máximo {max} em valor absoluto): informe {field} (POST /v1/projections).",
    "The space's expenses over the last 12 months ({value}) is beyond what a projection takes (at most {max} in magnitude): give {field} (POST /v1/projections)":
      "As despesas do espaço nos últimos 12 meses ({value}) excedem o que uma projeção aceita (no máximo {max} em valor absoluto): informe {field} (POST /v1/projections).",
    "Makes {field} {value}, beyond {max} in magnitude": "Faz {field} ser {value}, acima de {max} em valor absoluto.",
    "The projection's {message} in year {year} reaches about {x}, beyond {max} in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years":
      "No ano {year}, {message} da projeção chega a cerca de {x}, acima de {max} em valor absoluto, a partir do qual os valores não podem ser exatos na unidade mínima: reduza os valores, portfolioReturn, portfolioVolatility, incomeGrowthRate ou years.",
    'Scenario "{name}" ({id}) with seed {seed}\'s {message} in year {year} reaches about {x}, beyond {max} in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years':
      'No ano {year}, {message} do cenário "{name}" ({id}) com semente {seed} chega a cerca de {x}, acima de {max} em valor absoluto, a partir do qual os valores não podem ser exatos na unidade mínima: reduza os valores, portfolioReturn, portfolioVolatility, incomeGrowthRate ou years.',
    // Webhook URLs (webhooks/url-policy.ts).
    "URL is longer than {max} characters": "A URL tem mais de {max} caracteres.",
    "Only {path}<inbox> receives webhooks on the sandbox origin": "Na origem do sandbox, só {path}<inbox> recebe webhooks.",
    "Port {port} is not allowed; use {ports}": "A porta {port} não é permitida; use {ports}.",
    "{host} is not a valid host name": "{host} não é um nome de host válido.",
    "{host} is not a public host name": "{host} não é um nome de host público.",
    "{host} is a single-label name, not a public host name": "{host} é um nome de rótulo único, não um nome de host público.",
    "{ip} is in {block}, which is not a public address": "{ip} está em {block}, que não é um endereço público.",
    "the IPv4 address it carries: {message}": "O endereço IPv4 que ele contém: {message}.",
  },
  zod: {
    // A required field: its code (REQUIRED) says it all, the type it expects is in the API reference.
    "Invalid input: expected {type}, received undefined": "Este campo é obrigatório.",
    "Invalid input: expected {expected}, received {received}": "Tipo incorreto: era esperado {expected} e foi recebido {received}.",
    "Invalid input: expected {value}": "Deve ser {value}.",
    "Invalid option: expected one of {values}": "Deve ser um destes valores: {values}.",
    "Invalid discriminator value. Expected {values}": "Deve ser um destes valores: {values}.",
    "Invalid input": "Este valor não corresponde a nenhuma forma aceita.",
    // Sizes: zod names the unit after the limit.
    "Too big: expected string to have <={max} characters": "Deve ter no máximo {max} caracteres.",
    "Too big: expected string to have <{max} characters": "Deve ter menos de {max} caracteres.",
    "Too big: expected string to have exactly {n} characters": "Deve ter exatamente {n} caracteres.",
    "Too small: expected string to have exactly {n} characters": "Deve ter exatamente {n} caracteres.",
    "Too small: expected string to have >=1 characters": "Não pode estar vazio.",
    "Too small: expected string to have >={min} characters": "Deve ter pelo menos {min} caracteres.",
    "Too small: expected string to have >{min} characters": "Deve ter mais de {min} caracteres.",
    "Too big: expected array to have <={max} items": "Deve ter no máximo {max} itens.",
    "Too big: expected array to have <{max} items": "Deve ter menos de {max} itens.",
    "Too big: expected array to have exactly {n} items": "Deve ter exatamente {n} itens.",
    "Too small: expected array to have exactly {n} items": "Deve ter exatamente {n} itens.",
    "Too small: expected array to have >=1 items": "Deve ter pelo menos um item.",
    "Too small: expected array to have >={min} items": "Deve ter pelo menos {min} itens.",
    "Too small: expected array to have >{min} items": "Deve ter mais de {min} itens.",
    "Too big: expected number to be <={max}": "Deve ser no máximo {max}.",
    "Too big: expected number to be <{max}": "Deve ser menor que {max}.",
    "Too small: expected number to be >={min}": "Deve ser no mínimo {min}.",
    "Too small: expected number to be >{min}": "Deve ser maior que {min}.",
    "Invalid number: must be a multiple of {divisor}": "Deve ser múltiplo de {divisor}.",
    // Formats: a pattern is shown as the schema writes it, after the sentence.
    "Invalid string: must match pattern {pattern}": "Este valor não tem o formato esperado (padrão {pattern}).",
    'Invalid string: must start with "{prefix}"': 'Deve começar com "{prefix}".',
    'Invalid string: must end with "{suffix}"': 'Deve terminar com "{suffix}".',
    'Invalid string: must include "{text}"': 'Deve conter "{text}".',
    "Invalid email address": "Não é um endereço de e-mail válido.",
    "Invalid URL": "Não é uma URL válida.",
    "Invalid UUID": "Não é um UUID válido.",
    "Invalid ISO datetime": "Não é uma data e hora ISO 8601 válida.",
    "Invalid ISO date": "Não é uma data ISO 8601 válida (AAAA-MM-DD).",
    "Invalid ISO time": "Não é um horário ISO 8601 válido.",
    "Invalid ISO duration": "Não é uma duração ISO 8601 válida.",
    "Invalid IPv4 address": "Não é um endereço IPv4 válido.",
    "Invalid IPv6 address": "Não é um endereço IPv6 válido.",
  },
  phrases: {
    "Insufficient funds: the account may not go below zero (PATCH it with allowOverdraft: true if it may)": "Saldo insuficiente: a conta não pode ficar abaixo de zero (atualize-a com PATCH e allowOverdraft: true se puder).",
    "1 transaction uses this category; pass ?reassignTo=<categoryId> to move it first":
      "1 transação usa esta categoria; passe ?reassignTo=<categoryId> para movê-la primeiro.",
    // The faults of a body refused before any route reads it (middleware/exact-numbers.ts), one sentence each, joined as Portuguese lists them.
    "A number in the request cannot be represented exactly": "Um número da requisição não pode ser representado com exatidão.",
    "Text in the request is not well-formed Unicode": "Um texto da requisição não é Unicode bem formado.",
    "The request holds a __proto__ key": "A requisição contém uma chave __proto__.",
    "The request holds a control character": "A requisição contém um caractere de controle.",
    "The request repeats a key in one object": "A requisição repete uma chave em um mesmo objeto.",
    "Invalid email or password": "E-mail ou senha incorretos.",
    "Authentication token invalid or expired": "O token de autenticação é inválido ou expirou.",
    "Access token expired; renew it with POST /v1/auth/refresh": "O token de acesso expirou; renove-o com POST /v1/auth/refresh.",
    "The access token has expired": "O token de acesso expirou.",
    "Missing bearer token: send Authorization: Bearer <accessToken>, as POST /v1/auth/login returns it": "Falta o token de autenticação: envie Authorization: Bearer <accessToken>, o que POST /v1/auth/login devolve.",
    "Session has ended": "A sessão foi encerrada; faça login novamente.",
    "Refresh token expired": "O token de renovação expirou; faça login novamente.",
    "Refresh token invalid: send the refreshToken the last login or refresh returned, or log in again": "O token de renovação não é válido: envie o refreshToken que o último login ou renovação devolveu, ou entre de novo.",
    "Refresh token was already used; the session has been revoked": "O token de renovação já foi usado; a sessão foi revogada.",
    "The account's password or second factor changed while signing in; sign in again":
      "A senha ou o segundo fator da conta mudou durante o login; faça login novamente.",
    "The password or this session changed while the request ran; sign in again":
      "A senha ou esta sessão mudou enquanto a requisição era processada; faça login novamente.",
    "Authentication required": "É necessário autenticar-se.",
    "An account with this email already exists": "Já existe uma conta com este e-mail.",
    "This account requires a two-factor code (totpCode)": "Esta conta exige um código de dois fatores (totpCode).",
    "Two-factor authentication was enabled or set up again meanwhile; check GET /v1/auth/me":
      "A autenticação de dois fatores foi ativada ou configurada de novo enquanto isso; consulte GET /v1/auth/me.",
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
    "The owner cannot leave or be removed; hand the space to another member first, or delete it":
      "A pessoa proprietária não pode sair nem ser removida; primeiro passe o espaço para outro membro, ou exclua-o.",
    "You already own this space; name another of its members": "Este espaço já é seu; indique outro de seus membros.",
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
    "Holds a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which would change how it reads: send the name without it":
      "Contém uma incorporação, substituição ou isolamento de direção (U+202A-U+202E, U+2066-U+2069), que mudaria a forma como ele é lido: envie o nome sem ele.",
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
    "Ownership offer not found": "Oferta de propriedade não encontrada.",
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
    "This webhook is suspended: its creator is no longer an admin of the space. Take it over first (PATCH takeOver: true)":
      "Este webhook está suspenso: quem o criou não é mais administrador do espaço. Assuma-o primeiro (PATCH takeOver: true).",
    "No property found at this address": "Nenhum imóvel encontrado neste endereço.",
    "Zillow has no Zestimate for this property": "O Zillow não tem um Zestimate para este imóvel.",
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
    // A field's detail (the `message` of each entry of `details`; test/i18n/message-sites.ts finds them).
    "Would take the account below zero, which it may not go": "Deixaria a conta abaixo de zero, e ela não pode ficar negativa.",
    "An earlier transaction of this request has this reference": "Uma transação anterior desta requisição tem esta referência.",
    "Cursor is malformed, altered or from another query": "O cursor está malformado, foi alterado ou é de outra consulta.",
    "This verification's cursor has expired (15 minutes); verify again from the start": "O cursor desta verificação expirou (15 minutos); verifique de novo desde o início.",
    "Differs from the query the cursor pages; send the cursor alone, or with the same filters and page size":
      "Difere da consulta que o cursor pagina; envie o cursor sozinho, ou com os mesmos filtros e tamanho de página.",
    "Must be a valid email address": "Deve ser um endereço de e-mail válido.",
    "Unknown field: this request does not accept it": "Campo desconhecido: esta requisição não o aceita.",
    "Unknown query parameter: this route does not accept it": "Parâmetro de consulta desconhecido: esta rota não o aceita.",
    "Holds an unpaired surrogate escape (\\uD800-\\uDFFF alone); send well-formed Unicode text":
      "Contém um escape de substituto (surrogate) sem par (\\uD800-\\uDFFF sozinho); envie texto Unicode bem formado.",
    "__proto__ cannot be a key: a JavaScript object takes it as its prototype, so it would be lost rather than stored":
      "__proto__ não pode ser uma chave: um objeto JavaScript a toma como seu protótipo, então ela se perderia em vez de ser armazenada.",
    "This key appears more than once in its object: send each key once": "Esta chave aparece mais de uma vez no objeto: envie cada chave uma única vez.",
    "This query parameter appears more than once: send it once": "Este parâmetro de consulta aparece mais de uma vez: envie-o uma única vez.",
    "Must be 1-255 visible ASCII characters": "Deve ter de 1 a 255 caracteres ASCII visíveis.",
    "Required (in the body or the query)": "Obrigatório (no corpo ou na consulta).",
    "The query and the body name different spaces": "A consulta e o corpo indicam espaços diferentes.",
    // A rule's pattern (lib/safe-regex.ts, categories/rules.ts) and an address filter (ledger/addresses.ts).
    "Counted repetition must be between 0 and 100": "O número de repetições deve estar entre 0 e 100.",
    "Nothing to repeat": "Não há nada para repetir.",
    "Inline flags such as (?i) are not supported": "Modificadores em linha como (?i) não são suportados.",
    "Lookarounds and named groups are not supported": "Lookarounds e grupos nomeados não são suportados.",
    "Missing )": "Falta um ).",
    "Missing ]": "Falta um ].",
    "Unmatched )": "Há um ) sem o ( correspondente.",
    "Trailing backslash": "Há uma barra invertida (\\) no final.",
    "Pattern is too complex": "O padrão é complexo demais.",
    "Pattern is empty": "O padrão está vazio.",
    "amount_between needs min, max or both": "amount_between precisa de min, max ou ambos.",
    "amount_between compares amounts without their sign (a 15.00 expense and a 15.00 refund alike): write its bounds without one":
      "amount_between compara valores sem o sinal (uma despesa de 15.00 e um reembolso de 15.00 da mesma forma): escreva os limites sem sinal.",
    "amount_between: min is above max": "amount_between: min é maior que max.",
    "'...' may only be the last segment": "'...' só pode ser o último segmento.",
    "Segments are letters, digits, _ or *, separated by ':'": "Os segmentos são letras, dígitos, _ ou *, separados por ':'.",
    "Segments must not be empty": "Os segmentos não podem ser vazios.",
    // The ledger's fields.
    "accounts: addresses belong to the space's accounts; use another prefix for other ledger accounts":
      "accounts: esses endereços pertencem às contas do espaço; use outro prefixo para outras contas do livro-razão.",
    "Must be segments of letters, digits or _ separated by ':'": "Devem ser segmentos de letras, dígitos ou _ separados por ':'.",
    "Must look like USD/2, BTC/8 or JPY": "Deve ter a forma USD/2, BTC/8 ou JPY.",
    "Too large": "É grande demais.",
    "Keys are letters, digits, _ . or -": "As chaves são letras, dígitos, _ . ou -.",
    "At least one posting is required": "É necessário pelo menos um lançamento (posting).",
    "Must be a transaction number": "Deve ser um número de transação.",
    "A metadata key is 1 to 128 of A-Z, a-z, 0-9, _, . and -": "Uma chave de metadados tem de 1 a 128 caracteres entre A-Z, a-z, 0-9, _, . e -.",
    "At most 2048 characters": "No máximo 2048 caracteres.",
    // Accounts, transactions, trades, transfers.
    "Digits, spaces or dashes": "Apenas dígitos, espaços ou hífens.",
    "A negative opening balance needs allowOverdraft": "Um saldo inicial negativo exige allowOverdraft.",
    "Account is not in this space": "A conta não está neste espaço.",
    "No such account in this space": "Não existe essa conta neste espaço.",
    "Must not be zero": "Não pode ser zero.",
    "A expense must be negative": "Uma despesa deve ser negativa.",
    "A fee must be negative": "Uma tarifa deve ser negativa.",
    "Income must be positive": "Uma receita deve ser positiva.",
    "positive (income)": "positivo (uma receita)",
    "negative (an expense)": "negativo (uma despesa)",
    "Opening balances are set when an account is created (openingBalance)": "Os saldos iniciais são definidos quando uma conta é criada (openingBalance).",
    "Balance adjustments are made by provider syncs; record a correction as income or an expense":
      "Os ajustes de saldo são feitos pelas sincronizações do provedor; registre uma correção como receita ou despesa.",
    "Must be one of: (none for this type)": "Este tipo não admite subtipos.",
    "Must differ from fromAccountId": "Deve ser diferente de fromAccountId.",
    "A provider's pending transaction is posted by its sync": "A transação pendente de um provedor é lançada pela sincronização dele.",
    "Trade value is too large": "O valor da operação é grande demais.",
    "Upper-case letters and digits, e.g. AAPL": "Letras maiúsculas e dígitos, por exemplo AAPL.",
    "An edit changes name, amount or cadence": "Uma edição altera name, amount ou cadence.",
    // Categories and budgets; a category's kind, as typedCategory writes it, read inside another message.
    "an income category": "uma categoria de receitas",
    "an expense category": "uma categoria de despesas",
    "a transfer category": "uma categoria de transferências",
    "A hex color like #FF6B35": "Uma cor hexadecimal, como #FF6B35.",
    "Already used by another category of this type and parent": "Já usado por outra categoria do mesmo tipo e com a mesma categoria pai.",
    "A subcategory would share its name with a category where it moves": "Uma subcategoria teria o mesmo nome que uma categoria do nível para onde vai.",
    "A category cannot be its own parent": "Uma categoria não pode ser sua própria categoria pai.",
    "Subcategories cannot have subcategories": "Subcategorias não podem ter subcategorias.",
    "A category with subcategories cannot become one": "Uma categoria com subcategorias não pode se tornar uma subcategoria.",
    "Must be another category": "Deve ser outra categoria.",
    "No such category in this space": "Não existe essa categoria neste espaço.",
    "Category listed twice with different allocations": "Categoria listada duas vezes com alocações diferentes.",
    "endDate must not be before startDate": "endDate não pode ser anterior a startDate.",
    "Allocations add up to more than the budget amount": "As alocações somam mais do que o valor do orçamento.",
    // Assets, collectibles, real estate, documents, DeFi, rates.
    "An asset's value cannot be negative": "O valor de um ativo não pode ser negativo.",
    "A valuation cannot be dated in the future": "Uma avaliação não pode ter data futura.",
    "Required with a past disposedOn: the day the asset was worth this value (without one, the value is today's, after the disposal)":
      "Obrigatório com um disposedOn passado: o dia em que o ativo valia este valor (sem ele, o valor seria o de hoje, posterior à baixa).",
    "Link it first with POST /v1/assets/{assetId}/collectible-link": "Vincule-o primeiro com POST /v1/assets/{assetId}/collectible-link.",
    "Only real_estate assets have a Zestimate": "Só ativos real_estate têm Zestimate.",
    "The asset has no address; set one with PATCH /v1/assets/{assetId}": "O ativo não tem endereço; defina um com PATCH /v1/assets/{assetId}.",
    "No control characters or path separators": "Sem caracteres de controle nem separadores de caminho.",
    "Must be 0x followed by 40 hexadecimal characters": "Deve ser 0x seguido de 40 caracteres hexadecimais.",
    "EIP-55 checksum does not match (check the letter case)": "O checksum EIP-55 não confere (verifique as maiúsculas e minúsculas).",
    "Unknown currency or coin": "Moeda ou criptomoeda desconhecida.",
    "Unknown currency": "Moeda desconhecida.",
    "Must differ from base": "Deve ser diferente de base.",
    "Rates exist for past days and today only": "Só há cotações para dias passados e para hoje.",
    "The same pair (either way round) and day appears twice": "O mesmo par (em qualquer sentido) e dia aparece duas vezes.",
    "Must be a positive decimal with at most 12 digits before and after the point": "Deve ser um decimal positivo com no máximo 12 dígitos antes e depois do ponto.",
    // Auth, Life Beat, providers.
    "Must be at least 8 characters": "Deve ter pelo menos 8 caracteres.",
    "Must differ from the current password": "Deve ser diferente da senha atual.",
    "Required: this account has two-factor authentication": "Obrigatório: esta conta tem autenticação de dois fatores.",
    "An E.164 phone number, e.g. +14155550123": "Um número de telefone E.164, por exemplo +14155550123.",
    "The sms channel needs the owner's phone number": "O canal sms precisa do número de telefone da pessoa titular.",
    "Must be a member of this household with the executor role": "Deve ser membro deste grupo familiar com o papel de testamenteiro.",
    "No executor is configured; name one": "Nenhum testamenteiro está configurado; indique um.",
    "Must be in the future and within 365 days": "Deve ser uma data futura, dentro dos próximos 365 dias.",
    "No Bitso connection": "Não há conexão com a Bitso.",
    "Only the member who connected this login can give it a new password; an admin can disconnect it and connect the login anew":
      "Só o membro que conectou este acesso pode dar a ele uma nova senha; um administrador pode desconectá-lo e conectar o acesso de novo",
    "The connection is disconnected; link the institution again": "A conexão está desconectada; vincule a instituição novamente.",
    "Not one of this flag's candidate transactions": "Não é uma das transações candidatas deste alerta.",
    "An API key is printable ASCII with no spaces or colons, as Bitso issues it": "Uma chave de API é ASCII imprimível sem espaços nem dois-pontos, como a Bitso a emite.",
    "An API secret is printable ASCII with no spaces, as Bitso issues it": "Um segredo de API é ASCII imprimível sem espaços, como a Bitso o emite.",
    // Projections; a figure's name, read inside another message.
    "A life event needs an amount or an incomeChange": "Um evento de vida precisa de amount ou incomeChange.",
    "Needed with retirementAge (or add a `retirement` life event for the year)": "Necessário com retirementAge (ou adicione um evento de vida `retirement` para o ano).",
    "Must equal annualIncome − annualExpenses when all three are given": "Deve ser igual a annualIncome − annualExpenses quando os três são informados.",
    "Cannot exceed annualIncome": "Não pode exceder annualIncome.",
    "Cannot be below −annualExpenses": "Não pode ser menor que −annualExpenses.",
    "Give scenarioIds, or a spaceId to compare its latest saved scenarios": "Informe scenarioIds, ou um spaceId para comparar os cenários salvos mais recentes dele.",
    "Scenarios compared together must belong to one space": "Os cenários comparados juntos devem pertencer a um mesmo espaço.",
    median: "a mediana",
    "10th percentile": "o percentil 10",
    "90th percentile": "o percentil 90",
    mean: "a média",
    income: "a renda",
    expenses: "a despesa",
    savings: "a poupança",
    // Webhook URLs (webhooks/url-policy.ts).
    "not a valid absolute URL": "Não é uma URL absoluta válida.",
    "URL must use https": "A URL deve usar https.",
    "URL must not contain credentials": "A URL não pode conter credenciais.",
    "IPv6 zone identifiers are not allowed": "Identificadores de zona IPv6 não são permitidos.",
    "not a valid IPv6 address": "Não é um endereço IPv6 válido.",
    "the unspecified and loopback IPv6 addresses are not public": "Os endereços IPv6 não especificado e de loopback não são públicos.",
    "only global unicast IPv6 addresses (2000::/3) are public; this is loopback, link-local, unique-local, multicast or reserved":
      "Só endereços IPv6 unicast globais (2000::/3) são públicos; este é de loopback, link-local, unique-local, multicast ou reservado.",
    "2001::/23 (IETF protocol assignments, including Teredo) is not a public target": "2001::/23 (atribuições de protocolo do IETF, incluindo Teredo) não é um destino público.",
    "2001:db8::/32 is for documentation": "2001:db8::/32 é reservado para documentação.",
    "3fff::/20 is for documentation": "3fff::/20 é reservado para documentação.",
    ...Object.fromEntries(
      Array.from({ length: 9 }, (_, n) => [
        `At most ${n} decimal places are allowed for this currency`,
        `Esta moeda admite no máximo ${n} ${n === 1 ? "casa decimal" : "casas decimais"}.`,
      ]),
    ),
    // Writes that another's write overtook (spaces/access.ts batchAsMember, spaces/members.ts, webhooks/service.ts).
    "Your spaces changed while the household was being created; try again":
      "Seus espaços mudaram enquanto a família era criada; tente novamente.",
    "Your access to this space kept changing while this request was made; try again":
      "Seu acesso a este espaço mudou repetidas vezes enquanto esta solicitação era feita; tente novamente.",
    "The member kept changing while this request was made; read the members and try again":
      "O membro mudou repetidas vezes enquanto esta solicitação era feita; consulte os membros e tente novamente.",
    "The transaction was corrected again while this correction was recorded; send it again":
      "A transação foi corrigida de novo enquanto esta correção era registrada; envie-a outra vez.",
    "The invitation changed while it was being renewed; read the household and try again":
      "O convite mudou enquanto era renovado; consulte o grupo familiar e tente novamente.",
    "Another admin took this webhook over, or changed its secret, while this request was made; read it and take it over again if you still mean to":
      "Outro administrador assumiu este webhook, ou mudou o segredo dele, enquanto esta solicitação era feita; consulte-o e assuma-o de novo se ainda quiser.",
  },
  responses: {
    connected: "Conta {provider} conectada com sucesso",
    syncedOne: "1 transação sincronizada",
    synced: "{n} transações sincronizadas",
    syncFailed: "A sincronização falhou",
    syncFailedAfterOne: "A sincronização falhou depois de sincronizar 1 transação",
    syncFailedAfter: "A sincronização falhou depois de sincronizar {n} transações",
    syncLeftOutOne: "1 item em uma moeda que não pode ser importada foi deixado de fora ({codes})",
    syncLeftOut: "{n} itens em moedas que não podem ser importadas foram deixados de fora ({codes})",
    skippedManual: "conta manual: não há nada para sincronizar",
    skippedNoConnection: "sem conexão com um provedor",
    skippedDisconnected: "conexão desconectada",
    uncategorized: "Sem categoria",
    unknownCategory: "Desconhecida",
    // QA 13: the dashboard's rest past its top categories when one of them is itself named as "Other" is.
    restOfCategories: "Todo o resto",
    // QA 13: the notes of a projection, and a forecast's risk factors and method.
    projectionRetirementEventSets: "O evento de vida de aposentadoria (ano {year}) define o ano da aposentadoria; com retirementAge {age} seria o ano {other}",
    projectionRetiredFromStart: "retirementAge {age} não é maior que currentAge {current}: aposentadoria desde o ano 1",
    projectionRetirementPastHorizon: "A aposentadoria aos {age} anos cai depois do horizonte de {years} anos",
    projectionRetirementSpendingUnused: "retirementSpending não é usado: não há aposentadoria dentro do horizonte (informe retirementAge com currentAge, ou um evento de vida `retirement`)",
    projectionContributionNoSpending: "annualContribution sozinho não gera gastos: a partir do ano da aposentadoria nada é retirado (informe retirementSpending, ou annualIncome e annualExpenses)",
    projectionNoLedgerFlow: "Não há receitas nem despesas no livro de {from} a {to}: a projeção não supõe contribuições",
    projectionNetWorthIncomplete: "startingNetWorth é o patrimônio líquido do espaço em {date} sem os ativos citados acima (sem taxa de câmbio nem preço para eles)",
    projectionCurrencies: "Os cenários estão em moedas diferentes ({currencies}); cada um é mostrado na sua",
    forecastOverdrawn: "{account} já está com saldo negativo ({balance} {currency})",
    forecastNegative: "Saldo negativo previsto em {account} em {date}",
    forecastIrregularIncome: "Receitas irregulares",
    forecastSeasonalVariation: "Grande variação sazonal dos gastos",
    forecastSeasonalSpike: "Pico sazonal de gastos previsto em {month} (no ano passado, {percent}% acima da média mensal)",
    forecastMethodLastYear: "Séries recorrentes ({n}) mais uma estimativa sazonal do resto: metade a média diária dos últimos 90 dias, metade as mesmas semanas do ano passado; sem as compras avulsas",
    forecastMethodNoLastYear: "Séries recorrentes ({n}) mais uma estimativa sazonal do resto: a média diária dos últimos 90 dias (menos de um ano de histórico); sem as compras avulsas",
    // As notas das respostas de analytics, de uma cotação e dos valores padrão de uma projeção.
    forecastFutureRates: "Valores futuros em outras moedas são convertidos pela cotação de hoje (ou pela do dia anterior mais próximo)",
    forecastOneOffs: "Fora da estimativa, como compras avulsas, cada uma muito acima dos demais gastos dos últimos 90 dias: {purchases}",
    forecastOneOff: "{name} {amount} {currency} em {date}",
    conversionFallback: "Sem cotação {pair} em {day}: foi usada a de {used}, o dia anterior mais próximo",
    conversionMissing: "Falta a cotação {pair} em {days} (nenhuma nos {lookback} dias anteriores): {amount} {currency} {context} não estão incluídos no total em {target}",
    conversionMissingMore: "Falta a cotação {pair} em {days} e em outros dias (nenhuma nos {lookback} dias anteriores): {amount} {currency} {context} não estão incluídos no total em {target}",
    conversionContextTotal: "do total",
    conversionContextNetWorthOn: "do patrimônio líquido em {date}",
    conversionContextIncome: "das receitas",
    conversionContextExpenses: "das despesas",
    conversionContextPastExpenses: "das despesas passadas",
    conversionContextForecast: "da previsão",
    conversionContextAnnualIncome: "das receitas anuais",
    conversionContextAnnualExpenses: "das despesas anuais",
    conversionContextBudget: "dos gastos do orçamento {name}",
    rateNone: "Sem cotação {pair} em {date} nem nos dias anteriores",
    rateEarlierDay: "Sem cotação em {date}: esta é a cotação de {used}, o dia anterior mais próximo",
    pricesUnavailable: "Não há preços de mercado disponíveis para {symbols}: esses ativos aparecem como não convertidos, não contados como 0",
    priceStale: "O preço de {symbol} é de {date}: a fonte de preços de mercado não tem um mais recente",
    priceMissing: "Sem preço de mercado para {symbols}: esses ativos aparecem como não convertidos, não contados como 0",
    pricesFailed: "Não foi possível obter os preços de mercado de {symbols}",
    changeUnpriced: "A variação deixa de fora {codes} nos dois dias: sem cotação nem preço {days}",
    changeUnpricedOn: "para {codes} em {day}",
    changeUnpricedOnBoth: "para {codes} em {day} e {other}",
    changeNewWallets: "A variação deixa de fora {names}: vistos pela primeira vez no período (desde {from}); não se sabe o que havia antes",
    changeNewValues: "A variação deixa de fora {names}: avaliados pela primeira vez no período (desde {from}); não se conhece um valor anterior",
  },
  emails: {
    // A webhook that disabled itself after its run of failed attempts, to its creator (webhooks/notify.ts).
    webhookDisabled: {
      subject: "Dhanam: seu webhook para {host} foi desativado",
      text:
        "Seu webhook {webhookId} do espaço \"{space}\", que envia para {host}, foi desativado em {time} depois de {failures} tentativas de entrega seguidas com falha.\n\nEnquanto estiver desativado, nada é enviado a ele. As entregas que aguardavam uma nova tentativa foram canceladas (o registro de entregas as mostra com o erro \"Subscription disabled\"), e os eventos que ocorrerem enquanto estiver desativado não são entregues a ele: reativá-lo não envia nenhum deles.\n\nPara voltar a receber eventos, corrija o receptor e reative o webhook com PATCH /v1/webhooks/{webhookId} e {\"enabled\": true}; a partir desse momento, ele recebe os eventos criados. O registro de entregas (GET /v1/webhooks/{webhookId}/deliveries) mostra cada tentativa com falha e o erro.",
    },
    webhookGone: {
      subject: "Dhanam: seu webhook para {host} foi desativado",
      text:
        "Seu webhook {webhookId} do espaço \"{space}\", que envia para {host}, foi desativado em {time}: o receptor respondeu 410 Gone, o que pede que se pare de enviar para ele.\n\nEnquanto estiver desativado, nada é enviado a ele. As entregas que aguardavam uma nova tentativa foram canceladas (o registro de entregas as mostra com o erro \"Subscription disabled\"), e os eventos que ocorrerem enquanto estiver desativado não são entregues a ele: reativá-lo não envia nenhum deles.\n\nSe o receptor ainda quiser eventos, reative o webhook com PATCH /v1/webhooks/{webhookId} e {\"enabled\": true}; a partir desse momento, ele recebe os eventos criados. Se não, exclua o webhook. O registro de entregas (GET /v1/webhooks/{webhookId}/deliveries) mostra a tentativa que recebeu a resposta 410.",
    },
  },
};
