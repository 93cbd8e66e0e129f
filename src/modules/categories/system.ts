/**
 * The categories every new space starts with, named in the owner's language.
 * Parents come before their children so ids can be linked in one pass.
 */
import type { categories } from "../../db/schema";
import { localeOf, type Locale } from "../../lib/i18n";
import { newId } from "../../lib/ids";

type Def = { key: string } & Record<Locale, string> & { type: "income" | "expense" | "transfer"; color: string; icon: string; parent?: string };

/** A system category's name in `locale` (its `key` as DEFS below names it), for a label beside the space's own names. */
export const systemCategoryName = (key: string, locale: Locale): string | undefined => DEFS.find((d) => d.key === key)?.[locale];

const DEFS: Def[] = [
  { key: "food", en: "Food & Dining", es: "Comida y restaurantes", pt: "Alimentação", type: "expense", color: "#FF6B35", icon: "restaurant" },
  { key: "groceries", en: "Groceries", es: "Supermercado", pt: "Supermercado", type: "expense", color: "#4CAF50", icon: "cart", parent: "food" },
  { key: "restaurants", en: "Restaurants", es: "Restaurantes", pt: "Restaurantes", type: "expense", color: "#FF8A65", icon: "restaurant", parent: "food" },
  { key: "coffee", en: "Coffee", es: "Café", pt: "Café", type: "expense", color: "#795548", icon: "coffee", parent: "food" },
  { key: "transport", en: "Transportation", es: "Transporte", pt: "Transporte", type: "expense", color: "#2196F3", icon: "car" },
  { key: "shopping", en: "Shopping", es: "Compras", pt: "Compras", type: "expense", color: "#E91E63", icon: "bag" },
  { key: "housing", en: "Housing", es: "Vivienda", pt: "Moradia", type: "expense", color: "#607D8B", icon: "home" },
  { key: "utilities", en: "Utilities", es: "Servicios", pt: "Contas da casa", type: "expense", color: "#FFC107", icon: "bolt" },
  { key: "health", en: "Health", es: "Salud", pt: "Saúde", type: "expense", color: "#F44336", icon: "heart" },
  { key: "entertainment", en: "Entertainment", es: "Entretenimiento", pt: "Lazer", type: "expense", color: "#9C27B0", icon: "film" },
  { key: "travel", en: "Travel", es: "Viajes", pt: "Viagens", type: "expense", color: "#00BCD4", icon: "airplane" },
  { key: "education", en: "Education", es: "Educación", pt: "Educação", type: "expense", color: "#3F51B5", icon: "school" },
  { key: "fees", en: "Fees & Charges", es: "Comisiones y cargos", pt: "Tarifas e encargos", type: "expense", color: "#9E9E9E", icon: "receipt" },
  { key: "other", en: "Other", es: "Otros", pt: "Outros", type: "expense", color: "#BDBDBD", icon: "dots" },
  { key: "salary", en: "Salary", es: "Salario", pt: "Salário", type: "income", color: "#8BC34A", icon: "briefcase" },
  { key: "investment_income", en: "Investment Income", es: "Ingresos por inversiones", pt: "Rendimentos de investimentos", type: "income", color: "#009688", icon: "trending-up" },
  { key: "other_income", en: "Other Income", es: "Otros ingresos", pt: "Outras receitas", type: "income", color: "#CDDC39", icon: "plus" },
  { key: "transfers", en: "Transfers", es: "Transferencias", pt: "Transferências", type: "transfer", color: "#78909C", icon: "swap" },
];

/** `locale`: the owner's stored locale (anything unsupported names them in English). */
export function systemCategories(spaceId: string, locale: string, now: number): (typeof categories.$inferInsert)[] {
  const lang = localeOf(locale);
  const ids = new Map<string, string>();
  return DEFS.map((d) => {
    const id = newId("cat", now);
    ids.set(d.key, id);
    return {
      id, spaceId, name: d[lang], type: d.type, color: d.color, icon: d.icon,
      parentId: d.parent ? ids.get(d.parent)! : null, isSystem: true, createdAt: now, updatedAt: now,
    };
  });
}
