/** Browser steps every story needs: the language, signing in and out. */
import type { Page } from "@playwright/test";
import { expect, type Ui } from "../fixtures";

export interface Login {
  username: string;
  password: string;
}

/** A field's error message, not the one fading out as it is replaced (both are in the page
 * for the length of the animation). */
export const FIELD_ERROR = ".ant-form-item-explain-error:not(.ant-form-show-help-item-leave)";

export const ADMIN: Login = { username: "admin", password: "carbon-admin-2024" };
export const REGULATOR: Login = { username: "regulator", password: "carbon-demo-2024" };
export const DEMO_PASSWORD = "carbon-demo-2024";

export async function chooseLanguage(page: Page, ui: Ui) {
  await page.getByText(ui.lang === "zh-CN" ? "中文" : "EN", { exact: true }).first().click();
  await expect(page.locator("html")).toHaveAttribute("lang", ui.lang);
}

export async function signIn(page: Page, ui: Ui, who: Login) {
  await page.goto("/login");
  await page.getByLabel(ui.t("field.username")).fill(who.username);
  await page.getByLabel(ui.t("field.password")).fill(who.password);
  await page.getByRole("button", { name: ui.t("auth.signIn") }).click();
}

export async function signOut(page: Page, ui: Ui) {
  const item = page.getByRole("menuitem", { name: ui.t("auth.signOut") });
  // on a loaded machine a click can land while the drop-down is still animating in and
  // be lost; open the menu and choose again until the page has left the workspace
  await expect(async () => {
    if (!(await item.isVisible())) await page.getByTestId("user-menu").click();
    await item.click({ timeout: 5_000 });
    await expect(page).toHaveURL(/\/$/, { timeout: 5_000 });
  }).toPass({ timeout: 45_000 });
  await expect(page.getByRole("link", { name: ui.t("auth.signIn") }).first()).toBeVisible();
}

/** Close the open drawer with its close button and wait until it has gone (a key press can
 * land while the drawer is still opening and be lost, leaving it over the page). */
export async function closeDrawer(page: Page) {
  const drawer = page.locator(".ant-drawer-open");
  await expect(async () => {
    if (await drawer.isVisible()) await drawer.locator(".ant-drawer-close").click({ timeout: 5_000 });
    await expect(drawer).toHaveCount(0, { timeout: 5_000 });
  }).toPass({ timeout: 45_000 });
}

/**
 * Press a confirmation dialog's button and wait until the dialog has gone. On a loaded
 * machine a click can land while the dialog is still zooming in and be lost; it is pressed
 * again only while the dialog is open and its button is not busy (a request in flight shows
 * a spinner; the dialog's idempotency key makes a repeated request harmless anyway).
 */
export async function confirmInDialog(page: Page, name: string) {
  const dialog = page.getByRole("dialog");
  const button = dialog.getByRole("button", { name });
  await expect(async () => {
    if ((await dialog.count()) > 0 && (await button.count()) > 0) {
      const busy = (await button.getAttribute("class"))?.includes("ant-btn-loading") ?? false;
      if (!busy) await button.click({ timeout: 5_000 });
    }
    await expect(dialog).toBeHidden({ timeout: 15_000 });
  }).toPass({ timeout: 90_000 });
}
