/**
 * `Content-Disposition: attachment` for a user-chosen file name: a plain
 * ASCII `filename` that no client can misread (quotes, backslashes, path
 * separators, control and non-ASCII characters replaced), and, when the name
 * is not plain ASCII, the exact name as RFC 5987/6266 `filename*` (UTF-8,
 * percent-encoded), without bidirectional controls. Neither names a hidden file, `.` or `..`: the dots and
 * blanks a name starts with are dropped from both. And the name ends in an extension of the document's type
 * (`withTypeExtension`), so the saved file opens as what it was uploaded as.
 */
import { withoutBidiControls } from "../../lib/visible-text";
import type { DocumentContentType } from "./config";

const MAX_ASCII = 150;

export function asciiFilename(name: string): string {
  let out = "";
  for (const ch of name.normalize("NFC")) {
    const c = ch.codePointAt(0)!;
    out += c >= 0x20 && c < 0x7f && !`"\\/;%*?<>|:`.includes(ch) ? ch : "_";
  }
  out = out.trim().replace(/^\.+/, "");
  if (out.length > MAX_ASCII) {
    const dot = out.lastIndexOf(".");
    const ext = dot > 0 && out.length - dot <= 10 ? out.slice(dot) : "";
    out = out.slice(0, MAX_ASCII - ext.length) + ext;
  }
  return out || "document";
}

/** RFC 5987 `value-chars`: attr-char stays, everything else is %XX of its UTF-8 bytes. */
export function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** C1 controls and the line and paragraph separators: the upload-url body refuses them in a name (schemas.ts). */
const BREAKING = /[\u0080-\u009f\u2028\u2029]/g;

/**
 * A stored name as it is listed and downloaded: without what a name is no longer allowed to hold but an older one
 * may (bidirectional controls, C1 controls, line and paragraph separators).
 */
export const shownFilename = (name: string) => withoutBidiControls(name).replace(BREAKING, "");

/**
 * `name` without the dots and blanks it starts with: a saved file is never `.` or `..` (a directory to a client that
 * joins the name to a path) nor hidden (`.bashrc`), whichever parameter the client reads.
 */
function withoutLeadingDots(name: string): string {
  let i = 0;
  while (i < name.length && (name[i] === "." || name[i]!.trim() === "")) i++;
  return name.slice(i).trimEnd();
}

/**
 * The extensions (lower case) a saved file of each type keeps, its usual one first. The bytes are not checked against
 * the type, so the name must not choose how the saved file opens: `report.html` sent as text/plain would open as a
 * page, `setup.exe` sent as a PDF would run.
 */
const EXTENSIONS: Record<DocumentContentType, readonly string[]> = {
  "application/pdf": ["pdf"],
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg", "jpe", "jfif"],
  "image/webp": ["webp"],
  "image/heic": ["heic", "heif"],
  "text/csv": ["csv", "tsv", "txt"],
  "text/plain": ["txt", "text", "log", "md", "csv", "tsv"],
};

/** `name` with an extension of `contentType`: its own when it is one, else the type's usual one appended. */
function withTypeExtension(name: string, contentType: string): string {
  const allowed = (EXTENSIONS as Record<string, readonly string[] | undefined>)[contentType];
  if (!allowed) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  return allowed.includes(ext) ? name : `${name}.${allowed[0]}`;
}

/** The attachment header a document downloads with: its name, safe to save, with an extension of its type. */
export function contentDisposition(name: string, contentType: string): string {
  // A name stored before bidirectional (and C1) controls were refused loses them here, so `filename*` can neither
  // disguise its extension nor carry a control into the saved file's name.
  const stripped = withoutLeadingDots(
    [...shownFilename(name.normalize("NFC"))].filter((ch) => { const c = ch.codePointAt(0)!; return c >= 0x20 && c !== 0x7f && ch !== "/" && ch !== "\\"; }).join(""),
  );
  const clean = withTypeExtension(stripped || "document", contentType);
  const ascii = asciiFilename(clean);
  const plain = ascii === clean;
  return plain ? `attachment; filename="${ascii}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(clean)}`;
}
