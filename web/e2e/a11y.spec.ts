/**
 * The accessibility check every screenshot passes through must itself catch what it is
 * there to catch: a page with a nameless button and an unlabelled field fails it.
 */
import { expect, expectNoCriticalViolations, test } from "./fixtures";

test("the accessibility check fails a page with critical violations and passes a clean one", async ({ page }) => {
  await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body><main>
    <button></button><input type="text"></main></body></html>`);
  const failure = await expectNoCriticalViolations(page, "bad").then(
    () => "",
    (error: Error) => error.message,
  );
  expect(failure).toContain("button-name");
  expect(failure).toContain("label");

  await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body><main>
    <button>Save</button><label>Name <input type="text"></label></main></body></html>`);
  await expectNoCriticalViolations(page, "good");
});
