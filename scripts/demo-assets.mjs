// Demo manual assets: the demo user's house at seed 000's sample address with a
// valuation history (manual, an appraisal, then the sandbox Zestimate) and one
// uploaded document (a small PDF appraisal), all through the public API.
// Idempotent: a house already there is completed, never duplicated.

const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** A one-page PDF that says what it is. */
export function demoPdf() {
  const text = "Dhanam demo appraisal: 123 Main Street, San Francisco, CA 94102";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    null,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = "%PDF-1.4\n";
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

export async function seedDemoAssets(call, token, spaceId) {
  const listed = await call("GET", `/v1/assets?spaceId=${spaceId}&type=real_estate`, undefined, token);
  let house = listed.assets.find((a) => a.name === "Family Home");
  if (!house) {
    house = await call("POST", "/v1/assets", {
      spaceId, name: "Family Home", type: "real_estate", currency: "USD", value: "780000.00", valuationDate: daysAgo(730),
      description: "Primary residence", address: { address: "123 Main Street", city: "San Francisco", state: "CA", zipCode: "94102" },
    }, token);
    await call("POST", `/v1/assets/${house.id}/valuations`, { value: "820000.00", date: daysAgo(365), source: "appraisal", notes: "Bank appraisal for refinancing" }, token);
    await call("POST", `/v1/assets/${house.id}/valuations`, { value: "850000.00", date: daysAgo(90) }, token);
    await call("POST", `/v1/real-estate/${house.id}/sync`, undefined, token);
  }
  const docs = await call("GET", `/v1/assets/${house.id}/documents`, undefined, token);
  if (docs.documents.some((d) => d.status === "uploaded")) return;
  const pdf = demoPdf();
  const ticket = await call("POST", `/v1/assets/${house.id}/documents/upload-url`, { filename: "appraisal-2025.pdf", contentType: "application/pdf", category: "appraisal", size: pdf.length }, token);
  const res = await fetch(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: pdf });
  if (!res.ok) throw new Error(`PUT ${ticket.uploadUrl} -> ${res.status} ${await res.text()}`);
}
