/**
 * The words of Life Beat notifications and household invitations (en, es or pt, Brazilian Portuguese;
 * anything else falls back to English): the owner's in the owner's language, the executor's in the
 * executor's (their account's; the owner's if they have none). Dates are written as the language writes them
 * (DATE_LOCALES), in UTC and saying so: a past day (the last check-in) as a day, a deadline (an access's start or
 * end, an invitation's expiry) to the minute (households have no time zone of their own, and their spaces may each
 * have another).
 */
import { DATE_LOCALES, type Locale, localeOf } from "../../lib/i18n";

export { type Locale, localeOf };

const day = (ms: number, locale: Locale) =>
  new Date(ms).toLocaleDateString(DATE_LOCALES[locale], { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });

/**
 * A past day (the last check-in) as its UTC day, saying it is UTC as a deadline does: an owner in Mexico who checked
 * in on the evening of the 7th reads the 8th.
 */
const pastDay = (ms: number, locale: Locale) => `${day(ms, locale)} (UTC)`;

/** An instant as its UTC time of day, "HH:MM". */
const utcTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/**
 * A deadline (an access that starts or ends, an invitation that expires) to the minute, saying it is UTC: as a
 * day alone, 02:00 UTC on the 8th read as the 8th to an owner in Mexico, for whom it is the evening of the 7th.
 */
export const dayAt = (ms: number, locale: Locale) => {
  const time = utcTime(ms);
  // One o'clock is singular in both: "a la 01:15", "à 01:15" (and "a las 13:15", "às 13:15").
  const one = time.startsWith("01:");
  if (locale === "es") return `${day(ms, locale)} ${one ? "a la" : "a las"} ${time} (UTC)`;
  if (locale === "pt") return `${day(ms, locale)} ${one ? "à" : "às"} ${time} (UTC)`;
  return `${day(ms, locale)} at ${time} UTC`;
};

/** At most this many characters of a user-written name go into an email to someone else. */
export const SHOWN_TEXT_MAX = 60;

/**
 * User-written text (a person's or a household's name, an unverified sign-up email) as an email to someone
 * else may show it: on one line, at most SHOWN_TEXT_MAX characters (then "…"), with no double quotes (the
 * messages quote it), and defanged so that no mail client makes a link of it: "://" becomes "[:]//" and a
 * dot after a non-space and before two letters or digits "[.]" ("www[.]evil[.]example"), as security teams
 * write addresses nobody should click. NFKC first (a fullwidth "．" is a dot), and format characters
 * (zero-width, bidi overrides) go, so they can neither hide a link from the rule nor reorder what is shown.
 * A decimal number standing alone ("Casa 2.500", "1.5") keeps its point: no host name is digits only, and
 * "2[.]500" read as a defect to the household it named.
 */
export function shown(raw: string): string {
  const flat = [...raw.normalize("NFKC").replace(/\p{Cf}/gu, "").replace(/\s+/gu, " ").trim().replace(/["“”„]/g, "'")];
  const cut = flat.length > SHOWN_TEXT_MAX ? `${flat.slice(0, SHOWN_TEXT_MAX).join("").trimEnd()}…` : flat.join("");
  return cut
    .replace(/:\/\//g, "[:]//")
    .replace(/(?<=\S)[.。](?=[\p{L}\p{N}]{2})/gu, (dot, at: number, text: string) => (isLoneDecimalPoint(text, at) ? dot : "[.]"));
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
/**
 * Where a lone number may end: the text's ends, a space, or punctuation that cannot join it to an address. Not a
 * letter, a digit, a dot, nor `\ / : @` and the like: "A.N" is an IPv4 address (93.12113954 is 93.184.216.34), and
 * "\\93.12113954\s", "http:12.34" or "https:/12.34/x" are links to it that mail clients and browsers follow.
 */
const endsToken = (c: string | undefined) => c === undefined || /[\s(),;!?¡¿'«»]/u.test(c);

/** Whether the dot at `at` is the point of a number made of digits, one point and digits, with nothing joined to it. */
function isLoneDecimalPoint(text: string, at: number): boolean {
  let start = at;
  while (isDigit(text[start - 1])) start--;
  let end = at + 1;
  while (isDigit(text[end])) end++;
  // A dot after it ends a sentence ("… 12.34."), unless more of a name follows it.
  const after = text[end] === "." || text[end] === "。" ? end + 1 : end;
  return start < at && end > at + 1 && endsToken(text[start - 1]) && endsToken(text[after]);
}

export interface Message {
  subject: string;
  text: string;
}

export interface EscalationFacts {
  ownerName: string;
  householdName: string;
  level: number;
  levels: number;
  lastCheckIn: number;
  executorName: string | null;
  /** When the final level (and the executor's access) is due, for notices before it. */
  finalAt: number | null;
  /** For the final level: until when the executor can read. */
  accessUntil: number | null;
}

/**
 * To the owner, at each level. `executorName` null: no executor is named (or the one named has left the household), so
 * the last level grants no one anything, and the notice says so instead of an access that was not given.
 */
export function ownerNotice(locale: Locale, f: EscalationFacts): Message {
  const final = f.level === f.levels;
  const none = f.executorName === null;
  if (locale === "es") {
    const subject = final
      ? none ? `Life Beat: no hemos sabido de ti (${f.householdName})` : `Life Beat: se concedió acceso de emergencia (${f.householdName})`
      : `Life Beat: confirma que estás bien (aviso ${f.level} de ${f.levels})`;
    const ahead = !f.finalAt ? "" : none
      ? ` Life Beat llegará a su último nivel el ${dayAt(f.finalAt, locale)}; no hay albacea designado, así que nadie recibirá acceso.`
      : ` Si no sabemos de ti, tu albacea recibirá acceso de solo lectura el ${dayAt(f.finalAt, locale)}.`;
    const text = !final
      ? `Hola ${f.ownerName}: no has registrado tu check-in en Dhanam desde el ${pastDay(f.lastCheckIn, locale)}. Abre la app o registra tu check-in para reiniciar Life Beat.${ahead}`
      : none
        ? `Hola ${f.ownerName}: no hemos sabido de ti desde el ${pastDay(f.lastCheckIn, locale)}. Life Beat llegó a su último nivel, pero el hogar ${f.householdName} no tiene albacea designado, así que nadie recibió acceso. Registra tu check-in en Dhanam para reiniciar Life Beat, y designa un albacea en su configuración si quieres que alguien lo reciba.`
        : `Hola ${f.ownerName}: no hemos sabido de ti desde el ${pastDay(f.lastCheckIn, locale)}. Tu albacea ${f.executorName} recibió acceso de solo lectura a las finanzas del hogar ${f.householdName}${f.accessUntil ? ` hasta el ${dayAt(f.accessUntil, locale)}` : ""}. Si estás bien, registra tu check-in en Dhanam y el acceso se revocará de inmediato.`;
    return { subject, text };
  }
  if (locale === "pt") {
    const subject = final
      ? none ? `Life Beat: não temos notícias suas (${f.householdName})` : `Life Beat: acesso de emergência concedido (${f.householdName})`
      : `Life Beat: confirme que está tudo bem (aviso ${f.level} de ${f.levels})`;
    const ahead = !f.finalAt ? "" : none
      ? ` O Life Beat chegará ao último nível em ${dayAt(f.finalAt, locale)}; não há testamenteiro designado, então ninguém receberá acesso.`
      : ` Se não tivermos notícias suas, seu testamenteiro receberá acesso somente leitura em ${dayAt(f.finalAt, locale)}.`;
    const text = !final
      ? `Olá, ${f.ownerName}. Você não faz check-in no Dhanam desde ${pastDay(f.lastCheckIn, locale)}. Abra o app ou faça check-in para reiniciar o Life Beat.${ahead}`
      : none
        ? `Olá, ${f.ownerName}. Não temos notícias suas desde ${pastDay(f.lastCheckIn, locale)}. O Life Beat chegou ao último nível, mas o grupo familiar ${f.householdName} não tem testamenteiro designado, então ninguém recebeu acesso. Faça check-in no Dhanam para reiniciar o Life Beat e, se quiser que alguém receba acesso, designe um testamenteiro nas configurações.`
        : `Olá, ${f.ownerName}. Não temos notícias suas desde ${pastDay(f.lastCheckIn, locale)}. Seu testamenteiro ${f.executorName} recebeu acesso somente leitura às finanças do grupo familiar ${f.householdName}${f.accessUntil ? ` até ${dayAt(f.accessUntil, locale)}` : ""}. Se você estiver bem, faça check-in no Dhanam e o acesso será revogado na hora.`;
    return { subject, text };
  }
  const subject = final
    ? none ? `Life Beat: we have not heard from you (${f.householdName})` : `Life Beat: emergency access granted (${f.householdName})`
    : `Life Beat: please check in (notice ${f.level} of ${f.levels})`;
  const ahead = !f.finalAt ? "" : none
    ? ` Life Beat reaches its last level on ${dayAt(f.finalAt, locale)}; no executor is named, so no one will be given access.`
    : ` If we do not hear from you, your executor receives read-only access on ${dayAt(f.finalAt, locale)}.`;
  const text = !final
    ? `Hi ${f.ownerName}, you have not checked in on Dhanam since ${pastDay(f.lastCheckIn, locale)}. Open the app or check in to reset Life Beat.${ahead}`
    : none
      ? `Hi ${f.ownerName}, we have not heard from you since ${pastDay(f.lastCheckIn, locale)}. Life Beat has reached its last level, but no executor is named for the ${f.householdName} household, so no one was given access. Check in on Dhanam to reset Life Beat, and name an executor in its settings if you want someone to be.`
      : `Hi ${f.ownerName}, we have not heard from you since ${pastDay(f.lastCheckIn, locale)}. Your executor ${f.executorName} now has read-only access to the ${f.householdName} household's finances${f.accessUntil ? ` until ${dayAt(f.accessUntil, locale)}` : ""}. If you are well, check in on Dhanam and the access is revoked at once.`;
  return { subject, text };
}


/**
 * To the owner, once, before the grant of a single-level Life Beat (warningAt in state.ts): the one notice
 * before the executor's access, so it gives the grant's instant to the minute (UTC) and says it is the only one.
 */
export function ownerWarning(locale: Locale, f: Pick<EscalationFacts, "ownerName" | "householdName" | "lastCheckIn" | "executorName"> & { grantAt: number }): Message {
  if (locale === "es") {
    const then = f.executorName
      ? `tu albacea ${f.executorName} recibirá acceso de solo lectura a las finanzas del hogar ${f.householdName} el ${dayAt(f.grantAt, locale)}`
      : `Life Beat escalará el ${dayAt(f.grantAt, locale)}`;
    return {
      subject: f.executorName ? "Life Beat: registra tu check-in antes de que tu albacea reciba acceso" : "Life Beat: confirma que estás bien",
      text: `Hola ${f.ownerName}: no has registrado tu check-in en Dhanam desde el ${pastDay(f.lastCheckIn, locale)}. Abre la app o registra tu check-in para reiniciar Life Beat. Si no sabemos de ti, ${then}. Este es el único aviso antes de esa fecha.`,
    };
  }
  if (locale === "pt") {
    const then = f.executorName
      ? `seu testamenteiro ${f.executorName} receberá acesso somente leitura às finanças do grupo familiar ${f.householdName} em ${dayAt(f.grantAt, locale)}`
      : `o Life Beat avançará de nível em ${dayAt(f.grantAt, locale)}`;
    return {
      subject: f.executorName ? "Life Beat: faça check-in antes que seu testamenteiro receba acesso" : "Life Beat: confirme que está tudo bem",
      text: `Olá, ${f.ownerName}. Você não faz check-in no Dhanam desde ${pastDay(f.lastCheckIn, locale)}. Abra o app ou faça check-in para reiniciar o Life Beat. Se não tivermos notícias suas, ${then}. Este é o único aviso antes dessa data.`,
    };
  }
  const then = f.executorName
    ? `your executor ${f.executorName} receives read-only access to the ${f.householdName} household's finances on ${dayAt(f.grantAt, locale)}`
    : `Life Beat escalates on ${dayAt(f.grantAt, locale)}`;
  return {
    subject: f.executorName ? "Life Beat: please check in before your executor gets access" : "Life Beat: please check in",
    text: `Hi ${f.ownerName}, you have not checked in on Dhanam since ${pastDay(f.lastCheckIn, locale)}. Open the app or check in to reset Life Beat. If we do not hear from you, ${then}. This is the only notice before then.`,
  };
}

/** To the executor, at the final level. */
export function executorNotice(locale: Locale, facts: EscalationFacts & { invitationToken: string | null }): Message {
  // Sent to an address the owner chose, as an invitation is: the owner's words as shown() shows them.
  const f = { ...facts, ownerName: shown(facts.ownerName), householdName: shown(facts.householdName) };
  const accept = f.invitationToken ? `POST /v1/households/invitations/${f.invitationToken}/accept` : "";
  const how: Record<Locale, string> = !f.invitationToken
    ? { en: "Sign in to Dhanam to view them.", es: "Inicia sesión en Dhanam para consultarlas.", pt: "Entre no Dhanam para consultá-las." }
    : {
        en: `Sign in (or create your account with this email address) and accept this invitation to view them: ${accept}. It expires in 7 days and works once.`,
        es: `Inicia sesión (o crea tu cuenta con este correo) y acepta esta invitación para consultarlas: ${accept}. Vence en 7 días y sirve una sola vez.`,
        pt: `Entre (ou crie sua conta com este e-mail) e aceite este convite para consultá-las: ${accept}. Ele vence em 7 dias e só pode ser usado uma vez.`,
      };
  if (locale === "es") {
    return {
      subject: `Life Beat: acceso de emergencia al hogar ${f.householdName}`,
      text: `${f.ownerName} no ha registrado su check-in en Dhanam desde el ${pastDay(f.lastCheckIn, locale)}. Como albacea, tienes acceso de solo lectura a las finanzas del hogar ${f.householdName}${f.accessUntil ? ` hasta el ${dayAt(f.accessUntil, locale)}` : ""}. ${how.es}`,
    };
  }
  if (locale === "pt") {
    return {
      subject: `Life Beat: acesso de emergência ao grupo familiar ${f.householdName}`,
      text: `${f.ownerName} não faz check-in no Dhanam desde ${pastDay(f.lastCheckIn, locale)}. Como testamenteiro, você tem acesso somente leitura às finanças do grupo familiar ${f.householdName}${f.accessUntil ? ` até ${dayAt(f.accessUntil, locale)}` : ""}. ${how.pt}`,
    };
  }
  return {
    subject: `Life Beat: emergency access to the ${f.householdName} household`,
    text: `${f.ownerName} has not checked in on Dhanam since ${pastDay(f.lastCheckIn, locale)}. As executor you have read-only access to the ${f.householdName} household's finances${f.accessUntil ? ` until ${dayAt(f.accessUntil, locale)}` : ""}. ${how.en}`,
  };
}

/**
 * To an invited member; carries the single-use token. The subject is fixed: it is the part a mail client shows
 * before anything else, so no one can write their own there. The body names the inviter by their shown name
 * and sign-up email and the household by its shown name, each quoted, and says those are not verified.
 */
export function invitationNotice(
  locale: Locale,
  f: { ownerName: string; ownerEmail: string; householdName: string; role: string; token: string; expiresAt: number },
): Message {
  const path = `/v1/households/invitations/${f.token}/accept`;
  const [owner, email, household] = [shown(f.ownerName), shown(f.ownerEmail), shown(f.householdName)];
  if (locale === "es") {
    const role = f.role === "executor" ? "albacea" : "miembro";
    return {
      subject: "Te invitaron a un hogar en Dhanam",
      text: `“${owner}”, que se registró en Dhanam como ${email}, te invitó a unirte al hogar “${household}” como ${role}. Inicia sesión (o crea tu cuenta con este correo) y acepta la invitación: POST ${path}. La invitación vence el ${dayAt(f.expiresAt, locale)} y sirve una sola vez. Dhanam no verifica los nombres que escriben sus usuarios: si no reconoces a quien te invita, ignora este correo; sin tu aceptación no pasa nada.`,
    };
  }
  if (locale === "pt") {
    const role = f.role === "executor" ? "testamenteiro" : "membro";
    return {
      subject: "Você recebeu um convite para um grupo familiar no Dhanam",
      text: `“${owner}”, que se cadastrou no Dhanam como ${email}, convidou você para participar do grupo familiar “${household}” como ${role}. Entre (ou crie sua conta com este e-mail) e aceite o convite: POST ${path}. O convite vence em ${dayAt(f.expiresAt, locale)} e só pode ser usado uma vez. O Dhanam não verifica os nomes que os usuários escrevem: se você não reconhece quem está convidando, ignore este e-mail; nada acontece sem o seu aceite.`,
    };
  }
  return {
    subject: "You have been invited to a household on Dhanam",
    text: `“${owner}”, who signed up to Dhanam as ${email}, invited you to join the household “${household}” as ${f.role}. Sign in (or create your account with this email address) and accept the invitation: POST ${path}. The invitation expires on ${dayAt(f.expiresAt, locale)} and works once. Dhanam does not verify the names its users write: if you do not recognise who invited you, ignore this email; nothing happens unless you accept.`,
  };
}
