import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REPORT_NAMES, TIME_GROUPINGS } from '../../domain/reports/report-definitions';
import { DIMENSIONS } from '../../domain/reports/report-fields';
import type { ReportService } from '../../services/reports/report-service';
import { requireRole } from '../auth';
import { toCsv } from '../csv';
import { errorResponses } from '../errors';

const reportQuery = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    groupBy: z.enum([...TIME_GROUPINGS, ...DIMENSIONS]).optional(),
    top: z.coerce.number().int().min(1).max(100).optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();

const reportView = z.object({
  report: z.string(),
  from: z.string(),
  to: z.string(),
  groupBy: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
});

/** Reports over whole UTC days; JSON, or CSV with ?format=csv or Accept: text/csv. */
export const reportRoutes: FastifyPluginAsyncZod<{ reports: ReportService }> = async (app, { reports }) => {
  app.get(
    '/v1/reports/:report',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        tags: ['reports'],
        summary: `One of ${REPORT_NAMES.join(', ')}, from..to (UTC days, inclusive), grouped by day, week or a dimension`,
        params: z.object({ report: z.enum(REPORT_NAMES) }),
        querystring: reportQuery,
        response: { 200: reportView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const result = await reports.run(request.params.report, query);
      const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''));
      if (!csv) return result;
      const name = `${result.report}_${result.from}_${result.to}_by-${result.groupBy}.csv`;
      // Sent as it is: the CSV is not the JSON the response schema describes.
      const body: unknown = toCsv(result.columns, result.rows);
      return reply
        .code(200)
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .serializer((payload: unknown) => payload as string)
        .send(body as typeof result);
    },
  );
};
