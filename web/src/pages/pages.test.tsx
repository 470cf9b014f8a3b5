import { describe, expect, it, vi, beforeEach } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { testUser } from "../test/user";
import { App } from "../App";
import { createApi, memoryTokenStore } from "../api/client";
import { enUS } from "../i18n/en-US";
import { zhCN } from "../i18n/zh-CN";

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

function appAt(path: string, fetch: (r: Request) => Promise<Response>) {
  window.history.pushState({}, "", path);
  const api = createApi({ baseUrl: "http://platform.test", tokens: memoryTokenStore(null), fetch });
  return render(<App api={api} />);
}

beforeEach(() => {
  window.localStorage.clear();
});

describe("registration", () => {
  it("shows the server's credit-code error at the credit-code field, in Chinese by default", async () => {
    const requests: unknown[] = [];
    const fetch = vi.fn(async (req: Request) => {
      requests.push(await req.json());
      return problem(422, {
        code: "invalid-input",
        detail: "body:credit_code: Value error, a unified social credit code has 18 characters",
        field: "body:credit_code",
        errors: [{ field: "body:credit_code", message: "Value error, ...", type: "value_error" }],
      });
    });
    appAt("/register", fetch);
    const user = testUser();
    await user.type(screen.getByLabelText(zhCN["field.organisation"]), "皖江测试水泥");
    await user.type(screen.getByLabelText(zhCN["field.creditCode"]), "91340000ma1ooooooo");
    await user.type(screen.getByLabelText(zhCN["field.username"]), "wj.test");
    await user.type(screen.getByLabelText(zhCN["field.password"]), "long-password-1");
    await user.type(screen.getByLabelText(zhCN["field.confirmPassword"]), "long-password-1");
    await user.click(screen.getByRole("button", { name: zhCN["register.submit"] }));

    const field = (await screen.findByText(zhCN["validation.credit_code.value_error"])).closest(".ant-form-item");
    expect(field).not.toBeNull();
    expect(within(field as HTMLElement).getByLabelText(zhCN["field.creditCode"])).toHaveAttribute("aria-invalid", "true");
    expect(requests).toEqual([
      expect.objectContaining({ kind: "enterprise", credit_code: "91340000MA1OOOOOOO", custody: "platform" }),
    ]);
  });

  it("checks the form before asking the server", async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response("{}")));
    appAt("/register", fetch);
    const user = testUser();
    await user.click(screen.getByRole("button", { name: zhCN["register.submit"] }));
    expect(await screen.findAllByText(zhCN["validation.required"])).not.toHaveLength(0);
    await user.type(screen.getByLabelText(zhCN["field.password"]), "long-password-1");
    await user.type(screen.getByLabelText(zhCN["field.confirmPassword"]), "long-password-2");
    expect(await screen.findByText(zhCN["validation.passwordsDiffer"])).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("sign-in", () => {
  it("explains a registration awaiting approval in the chosen language", async () => {
    const fetch = vi.fn(() =>
      Promise.resolve(problem(403, { code: "awaiting-approval", detail: "your registration is waiting for an admin's approval" })),
    );
    appAt("/login", fetch);
    const user = testUser();
    await user.click(screen.getByText("EN"));
    await user.type(screen.getByLabelText(enUS["field.username"]), "someone");
    await user.type(screen.getByLabelText(enUS["field.password"]), "whatever-1");
    await user.click(screen.getByRole("button", { name: enUS["auth.signIn"] }));
    expect(await screen.findByRole("alert")).toHaveTextContent(enUS["error.awaiting-approval"]);
    await waitFor(() => expect(document.documentElement.lang).toBe("en-US"));
  });

  it("sends someone signed out from a workspace page to sign in, remembering where they were going", async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response("{}")));
    appAt("/app/audit", fetch);
    expect(await screen.findByRole("heading", { name: zhCN["auth.signInTitle"] })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/login");
    expect(new URLSearchParams(window.location.search).get("next")).toBe("/app/audit");
  });
});
