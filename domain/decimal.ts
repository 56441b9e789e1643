import { z } from 'zod';

/**
 * Money and quantities travel as decimal strings and are computed with decimal.js elsewhere,
 * never as binary floats: 0.1 + 0.2 must be 0.3 on a procurement document.
 */
export const decimalStringSchema = z
  .string()
  .trim()
  .regex(
    /^\d{1,15}(\.\d{1,6})?$/,
    'must be a non-negative decimal number written with digits and an optional "." (e.g. 1250.50)',
  )
  .meta({ description: 'Non-negative decimal as a string', example: '1250.50' });
