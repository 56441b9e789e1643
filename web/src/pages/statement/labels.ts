import { useTranslation } from 'react-i18next';

import type en from '../../i18n/en.json';

type LegalType = keyof typeof en.buyerLegalType;

/** The eForms buyer-legal-type code in words, or the code itself when the catalogue does not know it. */
export function useLegalTypeLabel(): (code: string) => string {
  const { t, i18n } = useTranslation();
  return (code) => (i18n.exists(`buyerLegalType.${code}`) ? t(`buyerLegalType.${code as LegalType}`) : code);
}
