import type { ComponentProps, MouseEvent } from "react";
import { useNavigate } from "react-router-dom";
import { Button } from "antd";

/** A button-styled link that navigates inside the app (one element: no link inside a button). */
export function LinkButton({ to, ...props }: { to: string } & Omit<ComponentProps<typeof Button>, "href">) {
  const navigate = useNavigate();
  return (
    <Button
      {...props}
      href={to}
      onClick={(e: MouseEvent<HTMLElement>) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey) return; // let the browser open a new tab
        e.preventDefault();
        void navigate(to);
      }}
    />
  );
}
