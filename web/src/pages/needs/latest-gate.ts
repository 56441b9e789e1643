/**
 * Says whether a call is still the latest one made. A page whose filters change while a load is
 * on its way starts another; if the first answers last, it must not replace the second's data
 * (seen on the dashboard: "51 pilots match", then the table of the previous filter's one pilot).
 */
export function latestGate(): () => () => boolean {
  let latest = 0;
  return () => {
    const mine = ++latest;
    return () => mine === latest;
  };
}
