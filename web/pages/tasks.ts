import { documentsCard, hasDocuments, loadDocuments } from './documents';
import type { Router } from 'express';
import { reassignRefusal } from '../../domain/reassignment';
import type { Role } from '../../domain/roles';
import { reassignHref } from './reassign';
import type { TaskKind } from '../../domain/tasks';
import { ApiError } from '../api-client';
import { list, num, str, type Body } from '../forms';
import { attr, html, type HtmlValue } from '../html';
import { apiMessage, type Key } from '../i18n';
import type { WebContext } from '../context';
import { nameOf } from '../reference';
import {
  dueBadge,
  emptyForm,
  field,
  fmtDate,
  layout,
  mapDetails,
  prose,
  send,
  stageBadge,
  subjectWord,
  type PageCtx,
} from '../ui';
import { formIdempotencyKey, idempotencyHeader } from '../idempotency';
import {
  deliverablesTable,
  expertRequestFacts,
  isStaffViewer,
  kindLabel,
  milestoneTitles,
  proposalFacts,
  proposalTexts,
  subjectHref,
  subjectOfTaskId,
  taskHref,
  timelineList,
  type Reference,
} from '../views';

import { inboxFilters, inboxPage, inboxQuery } from './task-inbox';
import { contextPanel, type RosterHit } from './task-context';
import { taskPageProgramme } from './task-programmes';
import {
  dataKeyOf,
  decisionFieldNames,
  decisionForms,
  EVALUATION_CRITERIA,
  type Failed,
  type FormExtras,
} from './task-forms';

const enc = encodeURIComponent;
/** Task kinds whose decision forms are large: they take the main column (others sit beside the subject). */
const BIG_FORMS = new Set([
  'revise',
  'shortlist_review',
  'candidate_selection',
  'review_score',
  'evaluation',
  'assign_reviewers',
  'progress_report',
  'final_report',
  'deliverable_submission',
  'travel_revision',
  'travel_report',
]);

function kindOfTaskId(id: string): string {
  return id.split(':')[1] ?? '';
}

// ---------------------------------------------------------------- the task page

/** The caller's open task of `kind` on a subject; a decision opens the next task a moment later (after its automatic steps), so wait up to 10 s. */
async function findOpenTask(ctx: PageCtx, subjectId: string, kind: string): Promise<string | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const tasks = await ctx.api.get('/tasks', { query: { subject: subjectId, kind: kind as TaskKind } });
    const hit = tasks.items[0];
    if (hit) return hit.id;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function taskPages(router: Router, web: WebContext): void {
  const { ref } = web;

  async function renderTask(ctx: PageCtx, id: string, failed?: Failed, status = 200): Promise<void> {
    const { t, lang, api } = ctx;
    const kind = kindOfTaskId(id);
    const subject = subjectOfTaskId(id);
    const q = ctx.req.query;
    const rosterQuery: { q?: string; thematicArea?: string; language?: string } = {};
    for (const k of ['q', 'thematicArea', 'language'] as const)
      if (typeof q[k] === 'string' && q[k]) rosterQuery[k] = String(q[k]);
    // Everything the page needs, at once (the subject's id is part of the task id).
    const [task, subj, areas, countries, roster, calls] = await Promise.all([
      api.get('/tasks/{id}', { params: { id } }),
      subject
        ? taskPageProgramme(subject.type)
            .subject(ctx, subject.id)
            .catch((err: unknown) => {
              if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
              throw err;
            })
        : Promise.resolve(null),
      ref.thematicAreas(),
      ref.countries(),
      kind === 'shortlist_review' && Object.keys(rosterQuery).length
        ? api
            .get('/experts', { query: { pageSize: 20, ...rosterQuery } })
            .then((p) => p.items)
            .catch(() => [] as RosterHit[])
        : Promise.resolve([] as RosterHit[]),
      kind === 'selection_decision' || kind === 'waitlist_review'
        ? api
            .get('/calls', { query: { pageSize: 100 } })
            .then((p) => p.items)
            .catch(() => [])
        : Promise.resolve([]),
    ]);
    const proposal = subj && 'view' in subj ? subj : null;
    const request = subj && 'modality' in subj ? subj : null;
    const privileged = isStaffViewer(ctx.user.role);
    const refs: Reference = { areas, countries };
    const timeline = subj?.timeline ?? [];
    const nameIds = [
      ...timeline.map((e) => e.actorId ?? ''),
      ...Object.keys(((task.context ?? {}).scores ?? {}) as object),
    ].filter(Boolean);
    const names = privileged ? await ref.userNames(nameIds) : new Map<string, string>();
    const rubric =
      (task.context?.rubric as FormExtras['rubric'] | undefined) ??
      calls.find((c) => c.id === proposal?.call?.id)?.rubric ??
      [];
    const x: FormExtras = { rubric, roster, proposal, request, ref: refs };

    const subjectTitle = subj?.title ?? task.subject.title;
    // Staff who may hand this task to someone else (domain/reassignment.ts) get the link.
    const reassignable =
      task.status === 'open' &&
      !reassignRefusal({ ...task, countryCode: task.subject.countryCode }, { role: ctx.user.role as Role });
    const header = html`<div class="task-meta">
      <p><span class="muted">${subjectWord(ctx, task.subject.type)}:</span> <a href="${subjectHref(task.subject.type, task.subject.id)}">${subjectTitle}</a></p>
      <p>${stageBadge(ctx, task.stage, task.programme)} ${task.status === 'open' ? html`<span>${t('task.due')}: ${task.dueAt ? html`<time datetime="${task.dueAt}">${fmtDate(task.dueAt, lang, true)}</time>` : '—'}</span> ${dueBadge(ctx, task)}` : html`<span class="badge badge-muted">${t(`taskStatus.${task.status}` as Key)}</span>`}</p>
      ${reassignable ? html`<p><a class="btn btn-secondary" href="${reassignHref(task.id)}">${t('reassign.action')}</a></p>` : ''}
    </div>`;

    let about: HtmlValue = '';
    if (proposal) {
      const showTexts = proposal.view === 'full';
      about = html`<section class="card"><h2>${t('task.aboutProposal')}</h2>${proposalFacts(ctx, proposal, refs)}
        ${proposal.view !== 'full' ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${t(task.kind === 'conflict_declaration' ? 'coi.limitedUntil' : 'review.limited')}</p>` : ''}
        ${showTexts ? proposalTexts(ctx, proposal, task.kind === 'co_endorsement' || task.kind === 'review_score') : ''}</section>`;
    } else if (request && task.kind !== 'invitation_response') {
      about = html`<section class="card"><h2>${t('task.aboutRequest')}</h2>${expertRequestFacts(ctx, request, refs)}
        <details class="texts"${attr('open', task.kind === 'co_endorsement')}><summary>${t('request.showFull')}</summary><h3>${t('field.objectives')}</h3>${prose(request.objectives)}${deliverablesTable(ctx, request.deliverables)}</details></section>`;
    }

    const rosterSearch =
      task.kind === 'shortlist_review' && task.status === 'open' && task.allowedDecisions.length
        ? html`<section class="card"><h2>${t('roster.searchTitle')}</h2>
        <form method="get" action="/app/tasks/${enc(task.id)}" class="filters" role="search">
          ${field(ctx, { name: 'q', label: t('roster.q'), value: typeof q.q === 'string' ? q.q : '' })}
          ${field(ctx, { name: 'thematicArea', label: t('field.thematicArea'), type: 'select', value: typeof q.thematicArea === 'string' ? q.thematicArea : '', options: [{ value: '', label: t('filter.any') }, ...areas.map((a) => ({ value: a.id, label: nameOf(areas, a.id, lang) }))] })}
          ${field(ctx, { name: 'language', label: t('field.language'), value: typeof q.language === 'string' ? q.language : '', placeholder: 'ru' })}
          <button type="submit" class="btn btn-secondary">${t('roster.search')}</button>
        </form></section>`
        : '';

    const context = contextPanel(ctx, task, { proposal, request, names, ref: refs, rubric });
    // The documents of the subject: a revision (or a report) may add files; a signer sees the agreement it signs.
    const withDocuments =
      subject &&
      hasDocuments(subject) &&
      [
        'revise',
        'contract_signature',
        'progress_report',
        'final_report',
        'deliverable_submission',
        'report_verification',
        'deliverable_acceptance',
        'travel_report',
        'settlement_verification',
      ].includes(task.kind);
    const documentList = withDocuments && subject && hasDocuments(subject) ? await loadDocuments(ctx, subject) : null;
    x.taskFiles = (documentList?.items ?? [])
      .filter((d) => d.taskId === task.id && d.uploaderId === ctx.user.id && d.scanState !== 'infected')
      .map((d) => ({ id: d.id, name: d.name }));
    const documents =
      withDocuments && subject && hasDocuments(subject)
        ? documentsCard(ctx, subject, documentList, {
            canUpload:
              task.status === 'open' &&
              ['revise', 'progress_report', 'final_report', 'deliverable_submission', 'travel_report'].includes(
                task.kind,
              ),
            taskId: task.id,
          })
        : '';
    const decisions = html`${documents}${decisionForms(ctx, task, failed, x)}`;
    const history = html`<section class="card" aria-labelledby="history-h"><h2 id="history-h">${t('history.title')}</h2>${timelineList(ctx, timeline, names, { privileged, programme: task.programme, milestones: milestoneTitles(subj && 'agreement' in subj ? subj.agreement : null) })}</section>`;
    const big = BIG_FORMS.has(task.kind) || task.status !== 'open';
    const body = big
      ? html`${header}<div class="layout-2"><div class="col-main">${context}${rosterSearch}${decisions}${about}</div><div class="col-side">${history}</div></div>`
      : html`${header}<div class="layout-2"><div class="col-main">${context}${about}</div><div class="col-side">${decisions}${history}</div></div>`;
    send(
      ctx,
      layout(ctx, {
        title: kindLabel(lang, task.kind),
        body,
        back: { href: '/app/inbox', label: t('nav.tasks') },
        wide: true,
      }),
      status,
    );
  }

  router.get(
    '/inbox',
    web.page(async (ctx) => {
      const f = inboxFilters(ctx);
      const filtered = !!(f.kind || f.country || f.overdue);
      const [all, countries] = await Promise.all([
        ctx.api.get('/tasks', { query: { pageSize: 100 } }),
        ref.countries(),
      ]);
      const tasks = filtered ? await ctx.api.get('/tasks', { query: inboxQuery(f) }) : all;
      send(ctx, inboxPage(ctx, tasks, all, countries, f));
    }),
  );
  router.get(
    '/tasks',
    web.page(async (ctx) => ctx.res.redirect(303, '/app/inbox')),
  );

  router.get(
    '/tasks/:id',
    web.page(async (ctx) => renderTask(ctx, ctx.req.params.id)),
  );
  // The address a refused decision leaves in the browser: reopening it shows the task again.
  router.get(
    '/tasks/:id/decide',
    web.page(async (ctx) => ctx.res.redirect(303, taskHref(ctx.req.params.id))),
  );

  router.post(
    '/tasks/:id/decide',
    web.action(async (ctx) => {
      const id = ctx.req.params.id;
      const body = ctx.req.body as Body;
      const decision = str(body, 'decision');
      const kind = kindOfTaskId(id);
      const dataKey = dataKeyOf(kind, decision);
      if (body._addRow) return renderTask(ctx, id, { decision, state: emptyForm(), values: body });

      const payload: { decision: string; comment?: string; data?: Record<string, unknown> } = { decision };
      const comment = str(body, 'comment').trim();
      if (comment) payload.comment = comment;
      let fields = decisionFieldNames(
        dataKey,
        Object.keys(body)
          .filter((k) => k.startsWith('data.scores.'))
          .map((k) => k.slice('data.scores.'.length)),
      );
      const data: Record<string, unknown> = {};
      const optionalText = (name: string, key: string) => {
        const v = str(body, name).trim();
        if (v) data[key] = v;
      };
      switch (dataKey as string | undefined) {
        case 'noConflict':
          data.noConflictDeclared = list(body, 'data.noConflictDeclared').includes('true');
          break;
        case 'signature': {
          const sha = str(body, 'data.documentSha256');
          if (sha) {
            // The statement is the one shown beside the version the signer ticked.
            const task = await ctx.api.get('/tasks/{id}', { params: { id } });
            const doc = (
              ((task.context ?? {}).agreement ?? {}) as { documents?: { sha256: string; statement: string }[] }
            ).documents?.find((d) => d.sha256 === sha);
            data.documentSha256 = sha;
            if (doc) data.statement = doc.statement;
          }
          break;
        }
        case 'assignReviewers':
          data.reviewerIds = list(body, 'data.reviewerIds')
            .flatMap((s) => s.split(/[\s,;]+/))
            .filter(Boolean);
          break;
        case 'score': {
          const scores: Record<string, unknown> = {};
          for (const k of Object.keys(body))
            if (k.startsWith('data.scores.')) scores[k.slice('data.scores.'.length)] = num(str(body, k)) ?? null;
          data.scores = scores;
          break;
        }
        case 'conflict':
        case 'invitationDecline':
          data.reason = str(body, 'data.reason');
          break;
        case 'justification':
          data.justification = str(body, 'data.justification');
          break;
        case 'optionalJustification':
          optionalText('data.justification', 'justification');
          break;
        case 'report':
          data.report = str(body, 'data.report');
          if (list(body, 'data.documentIds').length) data.documentIds = list(body, 'data.documentIds');
          if (str(body, 'data.beneficiariesReached').trim())
            data.beneficiariesReached = num(str(body, 'data.beneficiariesReached'));
          break;
        case 'evaluation': {
          const ratings: Record<string, unknown> = {};
          for (const k of EVALUATION_CRITERIA)
            if (str(body, `data.ratings.${k}`)) ratings[k] = num(str(body, `data.ratings.${k}`));
          data.ratings = ratings;
          data.narrative = str(body, 'data.narrative');
          if (str(body, 'data.beneficiaries').trim()) data.beneficiaries = num(str(body, 'data.beneficiaries'));
          break;
        }
        case 'feedback':
          data.rating = num(str(body, 'data.rating')) ?? null;
          data.narrative = str(body, 'data.narrative');
          break;
        case 'shortlistEdit':
          data.expertIds = [...new Set(list(body, 'data.expertIds'))];
          break;
        case 'invitationAccept': {
          const confirmations = list(body, 'data.confirmations');
          data.availabilityConfirmed = confirmations.includes('availabilityConfirmed');
          data.noConflictDeclared = confirmations.includes('noConflictDeclared');
          break;
        }
        case 'candidateSelect':
          data.expertIds = list(body, 'data.expertIds').slice(0, 1);
          optionalText('data.justification', 'justification');
          break;
        case 'deliverable':
          data.report = str(body, 'data.report');
          optionalText('data.link', 'link');
          if (list(body, 'data.documentIds').length) data.documentIds = list(body, 'data.documentIds');
          break;
        case 'proposalChanges': {
          const subject = subjectOfTaskId(id);
          if (!subject) break;
          const revision = await taskPageProgramme(subject.type).revisionChanges(
            ctx,
            { id, subjectId: subject.id },
            body,
          );
          Object.assign(data, revision.data);
          fields = [...fields, ...revision.fields.map((f) => `data.${f}`)];
          break;
        }
        default: {
          const subject = subjectOfTaskId(id);
          if (subject) Object.assign(data, taskPageProgramme(subject.type).decisionData?.(dataKey, body) ?? {});
          break;
        }
      }
      if (dataKey && dataKey !== 'comment' && dataKey !== 'none') payload.data = data;

      const key = formIdempotencyKey(ctx.user.id, `decide:${id}`, body);
      const res = await ctx.api.send('POST', '/tasks/{id}/decision', {
        params: { id },
        body: payload,
        headers: idempotencyHeader(key),
      });
      if (res.ok) {
        const subject = subjectOfTaskId(id);
        if (kind === 'conflict_declaration' && decision === 'declare_no_conflict' && subject) {
          const next = await findOpenTask(ctx, subject.id, 'review_score');
          return ctx.res.redirect(
            303,
            next
              ? `${taskHref(next)}?notice=coiDeclared`
              : `${subjectHref(subject.type, subject.id)}?notice=coiDeclared`,
          );
        }
        const to =
          ctx.user.role === 'applicant' && subject
            ? `${subjectHref(subject.type, subject.id)}?notice=decided`
            : '/app/inbox?notice=decided';
        return ctx.res.redirect(303, to);
      }
      // Decided by someone else meanwhile: say so and show the task as it is now.
      if (res.status === 409 && (res.body.error.code === 'task_not_open' || !res.body.error.code))
        return ctx.res.redirect(303, `/app/tasks/${enc(id)}?notice=conflict`);
      if (res.status === 409 || res.status === 403) {
        // Refused by the workflow's rules (e.g. the requester endorsing its own request): shown with the form.
        const state = emptyForm();
        state.general.push(apiMessage(ctx.lang, res.body.error.message));
        return renderTask(ctx, id, { decision, state, values: body }, res.status);
      }
      if (res.status === 400) {
        // Field names in forms are the API's paths, minus the `data.` prefix for the embedded subject forms.
        const formFields = dataKey === 'proposalChanges' ? fields.map((f) => f.replace(/^data\./, '')) : fields;
        const details = (res.body.error.details ?? [{ path: '', message: res.body.error.message }]).map((d) => {
          if (dataKey === 'proposalChanges') return { ...d, path: d.path.replace(/^data\./, '') };
          if (dataKey === 'invitationAccept' && /^data\.(availabilityConfirmed|noConflictDeclared)/.test(d.path))
            return { ...d, path: 'data.confirmations' };
          return d;
        });
        const state = mapDetails(ctx.lang, details, formFields);
        return renderTask(ctx, id, { decision, state, values: body }, 400);
      }
      throw new ApiError(res.status, res.body.error);
    }),
  );
}
