/**
 * The categories every new space starts with, named in the owner's language.
 * Parents come before their children so ids can be linked in one pass.
 */
import type { categories } from "../../db/schema";
import { newId } from "../../lib/ids";

type Def = { key: string; en: string; es: string; type: "income" | "expense" | "transfer"; color: string; icon: string; parent?: string };

const DEFS: Def[] = [
  { key: "food", en: "Food & Dining", es: "Comida y restaurantes", type: "expense", color: "#FF6B35", icon: "restaurant" },
  { key: "groceries", en: "Groceries", es: "Supermercado", type: "expense", color: "#4CAF50", icon: "cart", parent: "food" },
  { key: "restaurants", en: "Restaurants", es: "Restaurantes", type: "expense", color: "#FF8A65", icon: "restaurant", parent: "food" },
  { key: "coffee", en: "Coffee", es: "Café", type: "expense", color: "#795548", icon: "coffee", parent: "food" },
  { key: "transport", en: "Transportation", es: "Transporte", type: "expense", color: "#2196F3", icon: "car" },
  { key: "shopping", en: "Shopping", es: "Compras", type: "expense", color: "#E91E63", icon: "bag" },
  { key: "housing", en: "Housing", es: "Vivienda", type: "expense", color: "#607D8B", icon: "home" },
  { key: "utilities", en: "Utilities", es: "Servicios", type: "expense", color: "#FFC107", icon: "bolt" },
  { key: "health", en: "Health", es: "Salud", type: "expense", color: "#F44336", icon: "heart" },
  { key: "entertainment", en: "Entertainment", es: "Entretenimiento", type: "expense", color: "#9C27B0", icon: "film" },
  { key: "travel", en: "Travel", es: "Viajes", type: "expense", color: "#00BCD4", icon: "airplane" },
  { key: "education", en: "Education", es: "Educación", type: "expense", color: "#3F51B5", icon: "school" },
  { key: "fees", en: "Fees & Charges", es: "Comisiones y cargos", type: "expense", color: "#9E9E9E", icon: "receipt" },
  { key: "other", en: "Other", es: "Otros", type: "expense", color: "#BDBDBD", icon: "dots" },
  { key: "salary", en: "Salary", es: "Salario", type: "income", color: "#8BC34A", icon: "briefcase" },
  { key: "investment_income", en: "Investment Income", es: "Ingresos por inversiones", type: "income", color: "#009688", icon: "trending-up" },
  { key: "other_income", en: "Other Income", es: "Otros ingresos", type: "income", color: "#CDDC39", icon: "plus" },
  { key: "transfers", en: "Transfers", es: "Transferencias", type: "transfer", color: "#78909C", icon: "swap" },
];

export function systemCategories(spaceId: string, locale: string, now: number): (typeof categories.$inferInsert)[] {
  const ids = new Map<string, string>();
  return DEFS.map((d) => {
    const id = newId("cat", now);
    ids.set(d.key, id);
    return {
      id, spaceId, name: locale === "es" ? d.es : d.en, type: d.type, color: d.color, icon: d.icon,
      parentId: d.parent ? ids.get(d.parent)! : null, isSystem: true, createdAt: now, updatedAt: now,
    };
  });
}
