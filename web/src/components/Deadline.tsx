import { useTranslation } from 'react-i18next';

import { useFormat } from '../i18n/format';

/** A stage's deadline as a date and time with how far off it is ("in 3 days"), or that there is none. */
export function Deadline({ at }: { at: string | null | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!at) return <>{t('statement.noDeadline')}</>;
  return (
    <>
      <time dateTime={at}>{format.dateTime(at)}</time>
      <span className="muted"> ({format.relative(at)})</span>
    </>
  );
}
