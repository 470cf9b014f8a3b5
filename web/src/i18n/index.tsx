/**
 * A small typed dictionary: zh-CN is the source (and the default), en-US must have the
 * same keys (the compiler and a unit test both check). Numbers and dates go through Intl
 * for the current locale.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { zhCN, type MessageKey, type Messages } from "./zh-CN";
import { enUS } from "./en-US";

export type Locale = "zh-CN" | "en-US";
export const LOCALES: readonly Locale[] = ["zh-CN", "en-US"];
export const DEFAULT_LOCALE: Locale = "zh-CN";
export const dictionaries: Record<Locale, Messages> = { "zh-CN": zhCN, "en-US": enUS };

export type Vars = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const text = dictionaries[locale][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export interface Formatters {
  number: (value: number, digits?: number) => string;
  date: (value: string | Date | null | undefined) => string;
  dateTime: (value: string | Date | null | undefined) => string;
}

export function formatters(locale: Locale): Formatters {
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
  return {
    number: (value, digits = 0) =>
      new Intl.NumberFormat(locale, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(value),
    date: (v) => (v ? dateFmt.format(toDate(v)) : "—"),
    dateTime: (v) => (v ? dateTimeFmt.format(toDate(v)) : "—"),
  };
}

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** a key built at run time (e.g. `kind.${kind}`): its text, or `fallback` when unknown */
  tx: (key: string, fallback: string, vars?: Vars) => string;
  fmt: Formatters;
}

const STORAGE_KEY = "carbonledger.locale";

function initialLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === "zh-CN" || saved === "en-US") return saved;
  } catch {
    // storage unavailable (private mode): the default
  }
  return DEFAULT_LOCALE;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => fixed ?? initialLocale());
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not persisted; the switch still applies to this page
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    dayjs.locale(locale === "zh-CN" ? "zh-cn" : "en");
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      tx: (key, fallback, vars) => (isMessageKey(key) ? translate(locale, key, vars) : fallback),
      fmt: formatters(locale),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
