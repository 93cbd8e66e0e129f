/**
 * A name's rules (one line, something visible) and the control-character rule read whole in Spanish and Portuguese:
 * without their own phrases they fell back to their code's standard wording with the English after it, which for
 * a name across lines said "not one of the allowed values" and for a control character spoke of an unpaired
 * surrogate.
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";

describe.each([
  ["pt-BR", ["Deve estar em uma única linha.", "Deve conter ao menos um caractere visível.", "Contém um caractere de controle (U+0000-U+001F, exceto tabulação e quebras de linha, ou U+007F): envie texto imprimível."]],
  ["es", ["Debe estar en una sola línea.", "Debe contener al menos un carácter visible.", "Contiene un carácter de control (U+0000-U+001F salvo tabulación y saltos de línea, o U+007F): envía texto imprimible."]],
])("a name refused for a user whose locale is %s", (locale, [oneLine, visible, control]) => {
  it("says why in the user's language", async () => {
    const u = await registerUser({ locale });
    const create = (name: string) => callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name, type: "personal", currency: "BRL" } });
    const details = async (name: string) => ((await create(name)).body.error.details as { field: string; code: string; message: string }[]);
    expect(await details("Casa\nSilva")).toEqual([{ field: "name", code: "INVALID_VALUE", message: oneLine }]);
    expect(await details("\u200B\u200D")).toEqual([{ field: "name", code: "INVALID_VALUE", message: visible }]);
    expect(await details("Casa\u0007")).toEqual([{ field: "name", code: "INVALID_TEXT", message: control }]);
  });
});
