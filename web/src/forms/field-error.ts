/** One message beside one field; `path` uses the server's notation (`schedule.deliveryToYear`, `cpvCodes[2]`). */
export interface FieldError {
  path: string;
  message: string;
  /** Server rules are English text; the page marks them with lang="en". */
  fromServer?: boolean;
}
