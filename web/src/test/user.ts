import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";

/**
 * The user of the component tests: no delay between keystrokes, and no pointer-events
 * check on each click. That check reads the computed style of every ancestor of the
 * target, the slowest part of a click on an Ant Design form in jsdom (about two thirds of
 * a dialog test's time), and the tests load no CSS that could set `pointer-events`.
 */
export function testUser() {
  return userEvent.setup({ delay: null, pointerEventsCheck: PointerEventsCheckLevel.Never });
}
