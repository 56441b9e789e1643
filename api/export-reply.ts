import type { Response } from 'express';

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A file the viewer downloads: its own, never kept by a shared cache. */
export function sendExport(res: Response, type: string, filename: string, body: Buffer | string): void {
  res
    .status(200)
    .type(type)
    .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
    .setHeader('Cache-Control', 'private, no-store')
    .send(body);
}
