/**
 * A generated, labelled set of bank-statement-like transactions: 20
 * categories, English and Spanish merchants and descriptions, with the noise
 * real feeds have (processor prefixes, store numbers, case, accents, cities).
 * Deterministic for a seed.
 */
export function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORY_DEFS: { key: string; merchants: string[]; words: string[]; sign: -1 | 1; range: [number, number] }[] = [
  { key: "coffee", merchants: ["Starbucks", "Blue Bottle Coffee", "Café Olé", "Dunkin", "Cafebrería El Péndulo", "Peet's Coffee", "Tim Hortons", "Café Punta del Cielo"], words: ["latte", "coffee", "café", "espresso", "cafetería"], sign: -1, range: [300, 1500] },
  { key: "groceries", merchants: ["Whole Foods", "Walmart Supercenter", "Soriana", "Chedraui", "Trader Joe's", "La Comer", "Kroger", "Bodega Aurrerá"], words: ["groceries", "supermercado", "despensa", "market"], sign: -1, range: [1500, 25000] },
  { key: "restaurants", merchants: ["Chipotle", "Sanborns", "El Califa", "Olive Garden", "Vips", "Taquería Orinoco", "Shake Shack", "La Casa de Toño"], words: ["dinner", "comida", "cena", "restaurant", "tacos"], sign: -1, range: [1200, 9000] },
  { key: "rideshare", merchants: ["Uber", "Lyft", "DiDi", "Cabify", "Uber Trip", "Beat"], words: ["trip", "viaje", "ride", "taxi"], sign: -1, range: [500, 6000] },
  { key: "fuel", merchants: ["Shell", "Pemex", "Chevron", "BP", "ExxonMobil", "G500", "Oxxo Gas"], words: ["gasolina", "fuel", "gas", "combustible"], sign: -1, range: [2000, 9000] },
  { key: "streaming", merchants: ["Netflix", "Spotify", "Disney Plus", "HBO Max", "Amazon Prime Video", "Apple TV"], words: ["subscription", "suscripción", "monthly", "mensual"], sign: -1, range: [500, 2500] },
  { key: "utilities", merchants: ["CFE", "PG&E", "Con Edison", "Naturgy", "Agua de Monterrey", "Duke Energy"], words: ["electricity", "luz", "recibo", "bill", "agua"], sign: -1, range: [3000, 20000] },
  { key: "phone", merchants: ["Telcel", "AT&T", "Verizon", "Movistar", "T-Mobile", "Izzi"], words: ["plan", "recarga", "wireless", "internet"], sign: -1, range: [1500, 9000] },
  { key: "rent", merchants: ["Greystar", "Inmobiliaria Polanco", "Equity Residential", "Renta Depto", "AvalonBay"], words: ["rent", "renta", "alquiler", "lease"], sign: -1, range: [80000, 300000] },
  { key: "health", merchants: ["CVS Pharmacy", "Farmacias del Ahorro", "Walgreens", "Farmacias Guadalajara", "Hospital Ángeles", "Similares"], words: ["pharmacy", "farmacia", "medicina", "consulta"], sign: -1, range: [500, 30000] },
  { key: "gym", merchants: ["Smart Fit", "Planet Fitness", "Sports World", "Equinox", "24 Hour Fitness"], words: ["membership", "membresía", "gym", "gimnasio"], sign: -1, range: [1500, 12000] },
  { key: "shopping", merchants: ["Amazon", "Liverpool", "Mercado Libre", "Target", "Palacio de Hierro", "Best Buy", "Coppel"], words: ["order", "pedido", "compra", "purchase"], sign: -1, range: [800, 60000] },
  { key: "travel", merchants: ["Aeroméxico", "Delta Air Lines", "Volaris", "Marriott", "Airbnb", "Booking.com", "Hilton"], words: ["flight", "vuelo", "hotel", "reserva", "booking"], sign: -1, range: [20000, 200000] },
  { key: "education", merchants: ["Coursera", "Udemy", "Universidad Iberoamericana", "Colegio Williams", "Duolingo", "Platzi"], words: ["tuition", "colegiatura", "course", "curso"], sign: -1, range: [1000, 150000] },
  { key: "insurance", merchants: ["GNP Seguros", "State Farm", "AXA", "Geico", "Qualitas", "MetLife"], words: ["insurance", "seguro", "póliza", "premium"], sign: -1, range: [5000, 60000] },
  { key: "entertainment", merchants: ["Cinépolis", "AMC Theatres", "Ticketmaster", "Steam", "Cinemex", "PlayStation Store"], words: ["tickets", "boletos", "movie", "película", "game"], sign: -1, range: [500, 15000] },
  { key: "bank_fees", merchants: ["BBVA", "Chase", "Banorte", "Wells Fargo", "Santander"], words: ["comisión", "fee", "cargo", "overdraft", "anualidad"], sign: -1, range: [100, 5000] },
  { key: "salary", merchants: ["ACME Corp", "Nómina Empresa SA", "Google LLC", "Bimbo SA de CV", "Payroll ADP"], words: ["payroll", "nómina", "salary", "sueldo", "deposit"], sign: 1, range: [500000, 3000000] },
  { key: "interest", merchants: ["Nu México", "Ally Bank", "Cetesdirecto", "Marcus", "Hey Banco"], words: ["interest", "intereses", "rendimiento", "yield"], sign: 1, range: [100, 20000] },
  { key: "pets", merchants: ["Petco", "+Kota", "PetSmart", "Chewy", "Veterinaria Banfield"], words: ["pet", "mascota", "vet", "veterinario", "alimento"], sign: -1, range: [800, 20000] },
];

const PREFIXES = ["", "", "", "SQ *", "PAYPAL *", "TST* ", "POS ", "COMPRA "];
const CITIES = ["", "", "CDMX", "GUADALAJARA", "NEW YORK NY", "AUSTIN TX", "MONTERREY NL", "SAN FRANCISCO CA"];
const FILLERS_EN = ["payment", "card purchase", "online", "debit"];
const FILLERS_ES = ["pago", "compra con tarjeta", "en línea", "cargo"];

const stripAccents = (s: string) => s.normalize("NFD").replace(/\p{M}+/gu, "");

export interface LabelledTx {
  merchantName: string;
  description: string;
  amountMinor: number;
  category: string;
  merchantIndex: number;
}

export function generate(n: number, seed: number): LabelledTx[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: LabelledTx[] = [];
  for (let i = 0; i < n; i++) {
    const cat = CATEGORY_DEFS[i % CATEGORY_DEFS.length]!;
    const merchantIndex = Math.floor(rnd() * cat.merchants.length);
    let merchant = cat.merchants[merchantIndex]!;
    if (rnd() < 0.3) merchant = merchant.toUpperCase();
    if (rnd() < 0.3) merchant = stripAccents(merchant);
    const store = rnd() < 0.35 ? ` #${Math.floor(rnd() * 9000 + 100)}` : "";
    const city = pick(CITIES);
    const raw = `${pick(PREFIXES)}${merchant}${store}${city ? ` ${city}` : ""}`;
    const spanish = rnd() < 0.5;
    const filler = pick(spanish ? FILLERS_ES : FILLERS_EN);
    const word = rnd() < 0.6 ? ` ${pick(cat.words)}` : "";
    const description = rnd() < 0.5 ? `${filler} ${raw}${word}` : `${raw}${word}`;
    const amount = Math.floor(cat.range[0] + rnd() * (cat.range[1] - cat.range[0]));
    out.push({ merchantName: raw, description, amountMinor: cat.sign * amount, category: cat.key, merchantIndex });
  }
  return out;
}
