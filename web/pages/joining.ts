import type { Router } from 'express';
import { ApiError, type Schemas } from '../api-client';
import { html, type SafeHtml } from '../html';
import type { Key } from '../i18n';
import type { WebContext } from '../context';
import {
  choiceGroup,
  csrfField,
  emptyForm,
  emptyState,
  errorSummary,
  facts,
  field,
  fmtDate,
  formText,
  formTexts,
  hidden,
  layout,
  mapDetails,
  refusedForm,
  send,
  type AnonCtx,
  type FormState,
  type PageCtx,
} from '../ui';
import { invitableBy } from '../../domain/joining';
import { nameOf } from '../reference';
import { personOpenTasks } from './reassign';

/**
 * Joining in the web app: self-registration (an institution, or an expert profile) confirmed by
 * e-mail, accepting an invitation, the institution page (colleagues and invitations), the fund
 * manager's approvals, the administrator's people page. Every form posts to the API, which decides.
 */
type OpenSession = (ctx: AnonCtx, token: string, expiresIn: number) => Promise<boolean>;

const INSTITUTION_TYPES = ['university', 'research_institute', 'company', 'ngo', 'public_body'] as const;
const INSTITUTION_FIELDS = [
  'legalNameEn',
  'legalNameRu',
  'countryCode',
  'type',
  'registrationNumber',
  'address',
  'website',
] as const;
const EXPERT_FIELDS = [
  'thematicAreaIds',
  'languages',
  'countriesOfExperience',
  'education',
  'yearsExperience',
  'dailyFeeUsd',
  'availabilityFrom',
  'availabilityTo',
  'cv',
] as const;
/** The roles an administrator invites and assigns, as the programme registry declares them. */
const STAFF_ROLES = invitableBy('admin');

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const words = (v: unknown): string[] =>
  formText(v)
    .split(/[\s,;]+/)
    .filter(Boolean);

function termsBox(ctx: AnonCtx, terms: Schemas['Terms'], state: FormState): SafeHtml {
  return html`<section class="card" aria-labelledby="terms-h"><h2 id="terms-h">${ctx.t('join.termsTitle', { version: terms.version })}</h2>
    <p>${terms.summary[ctx.lang]}</p>${hidden('termsVersion', terms.version)}
    ${choiceGroup(ctx, { name: 'acceptTerms', legend: ctx.t('join.termsLegend'), options: [{ value: 'yes', label: ctx.t('join.termsAccept') }], selected: [], state, required: true })}
  </section>`;
}

export function joiningPages(router: Router, web: WebContext, openSession: OpenSession): void {
  // ---------------------------------------------------------------- registration

  async function registerPage(
    ctx: AnonCtx,
    kind: 'institution' | 'expert',
    state: FormState = emptyForm(),
    v: Record<string, unknown> = {},
    status = 200,
  ): Promise<void> {
    const { t, lang } = ctx;
    const [terms, countries, areas] = await Promise.all([
      ctx.api.get('/terms'),
      ctx.ref.countries(),
      ctx.ref.thematicAreas(),
    ]);
    const countryOptions = [
      { value: '', label: t('join.choose') },
      ...countries.map((c) => ({ value: c.id, label: lang === 'ru' ? c.nameRu : c.name })),
    ];
    const labels: Record<string, string> = {
      email: t('auth.email'),
      name: t('join.yourName'),
      legalNameEn: t('join.legalNameEn'),
      legalNameRu: t('join.legalNameRu'),
      countryCode: t('join.countryOfRegistration'),
      type: t('join.type'),
      registrationNumber: t('join.registrationNumber'),
      address: t('join.address'),
      website: t('join.website'),
      thematicAreaIds: t('join.thematicAreas'),
      languages: t('join.languages'),
      countriesOfExperience: t('join.countriesOfExperience'),
      education: t('join.education'),
      yearsExperience: t('join.years'),
      dailyFeeUsd: t('join.fee'),
      availabilityFrom: t('join.availableFrom'),
      availabilityTo: t('join.availableTo'),
      cv: t('join.cv'),
      acceptTerms: t('join.termsLegend'),
    };
    const f = (name: string, o: Partial<Parameters<typeof field>[1]> = {}) =>
      field(ctx, { name, label: labels[name], value: formText(v[name]), state, ...o });
    const specific =
      kind === 'institution'
        ? html`<section class="card"><h2>${t('join.institutionTitle')}</h2>
          ${f('legalNameEn', { required: true })}${f('legalNameRu', { required: true })}
          ${f('countryCode', { type: 'select', required: true, options: countryOptions.concat([{ value: 'RU', label: lang === 'ru' ? 'Россия' : 'Russia' }]).filter((o, i, all) => all.findIndex((x) => x.value === o.value) === i) })}
          ${f('type', { type: 'select', required: true, options: INSTITUTION_TYPES.map((k) => ({ value: k, label: t(`join.type.${k}` as Key) })) })}
          ${f('registrationNumber', { required: true, hint: t('join.registrationNumberHint') })}${f('address', { type: 'textarea', required: true, rows: 2 })}${f('website', { type: 'url' })}
        </section>`
        : html`<section class="card"><h2>${t('join.expertTitle')}</h2>
          ${choiceGroup(ctx, { name: 'thematicAreaIds', legend: labels.thematicAreaIds, options: areas.map((a) => ({ value: a.id, label: lang === 'ru' ? a.nameRu : a.name })), selected: list(v.thematicAreaIds), state, required: true, className: 'columns' })}
          ${f('languages', { required: true, hint: t('join.codesHint') })}${f('countriesOfExperience', { hint: t('join.countryCodesHint') })}
          ${f('education', { type: 'textarea', required: true, rows: 3 })}${f('yearsExperience', { type: 'number', required: true, min: 0, max: 70 })}${f('dailyFeeUsd', { type: 'number', required: true, min: 0 })}
          ${f('availabilityFrom', { type: 'date' })}${f('availabilityTo', { type: 'date' })}${f('cv', { type: 'textarea', required: true, rows: 8 })}
        </section>`;
    send(
      ctx,
      layout(ctx, {
        title: t(kind === 'institution' ? 'join.registerInstitution' : 'join.registerExpert'),
        lead: t(kind === 'institution' ? 'join.institutionLead' : 'join.expertLead'),
        body: html`${errorSummary(ctx, state, labels)}<form method="post" action="/app/register/${kind}" novalidate>${csrfField(ctx)}
        <section class="card"><h2>${t('join.you')}</h2>${f('name', { required: true, autocomplete: 'name' })}${f('email', { type: 'email', required: true, autocomplete: 'email' })}</section>
        ${specific}${termsBox(ctx, terms, state)}
        <button type="submit" class="btn btn-primary">${t('join.submit')}</button></form>`,
      }),
      status,
    );
  }

  router.get(
    '/register',
    web.anon(async (ctx) => {
      const { t } = ctx;
      send(
        ctx,
        layout(ctx, {
          title: t('join.title'),
          body: html`<div class="grid-2">
        <section class="card"><h2>${t('join.registerInstitution')}</h2><p>${t('join.institutionLead')}</p><p><a class="btn btn-primary" href="/app/register/institution">${t('join.start')}<span class="visually-hidden">: ${t('join.registerInstitution')}</span></a></p></section>
        <section class="card"><h2>${t('join.registerExpert')}</h2><p>${t('join.expertLead')}</p><p><a class="btn btn-primary" href="/app/register/expert">${t('join.start')}<span class="visually-hidden">: ${t('join.registerExpert')}</span></a></p></section>
      </div><p>${t('join.colleagueHint')}</p>`,
        }),
      );
    }),
  );

  for (const kind of ['institution', 'expert'] as const) {
    router.get(
      `/register/${kind}`,
      web.anon((ctx) => registerPage(ctx, kind)),
    );
    router.post(
      `/register/${kind}`,
      web.anonAction(async (ctx) => {
        const b = ctx.req.body as Record<string, unknown>;
        const base = {
          kind,
          email: formText(b.email),
          name: formText(b.name),
          language: ctx.lang,
          acceptTerms: list(b.acceptTerms).includes('yes') ? true : false,
          termsVersion: formText(b.termsVersion),
        };
        const body =
          kind === 'institution'
            ? {
                ...base,
                institution: {
                  legalNameEn: formText(b.legalNameEn),
                  legalNameRu: formText(b.legalNameRu),
                  countryCode: formText(b.countryCode),
                  type: formText(b.type),
                  registrationNumber: formText(b.registrationNumber),
                  address: formText(b.address),
                  ...(formText(b.website) ? { website: formText(b.website) } : {}),
                },
              }
            : {
                ...base,
                profile: {
                  thematicAreaIds: list(b.thematicAreaIds),
                  languages: words(b.languages).map((w) => w.toLowerCase()),
                  countriesOfExperience: words(b.countriesOfExperience).map((w) => w.toUpperCase()),
                  education: formText(b.education),
                  yearsExperience: formText(b.yearsExperience) === '' ? '' : Number(b.yearsExperience),
                  dailyFeeUsd: formText(b.dailyFeeUsd) === '' ? '' : Number(b.dailyFeeUsd),
                  availability:
                    formText(b.availabilityFrom) || formText(b.availabilityTo)
                      ? [{ from: formText(b.availabilityFrom), to: formText(b.availabilityTo) }]
                      : [],
                  cv: formText(b.cv),
                },
              };
        let res;
        try {
          res = await ctx.api.send('POST', '/registrations', { body: body as never });
        } catch (err) {
          if (err instanceof ApiError && err.status === 429)
            return registerPage(ctx, kind, { errors: new Map(), general: [ctx.t('auth.linkRateLimited')] }, b, 429);
          throw err;
        }
        if (!res.ok) {
          const fields = [
            'email',
            'name',
            'acceptTerms',
            'termsVersion',
            ...(kind === 'institution' ? INSTITUTION_FIELDS : EXPERT_FIELDS),
          ];
          const state = mapDetails(ctx.lang, res.body.error.details, fields, {
            institution: '',
            profile: '',
            'profile.availability': 'availabilityFrom',
          });
          for (const [k, msgs] of [...state.errors]) {
            const bare = k.replace(/^\./, '');
            if (bare !== k) {
              state.errors.delete(k);
              state.errors.set(bare, msgs);
            }
          }
          if (res.status === 409 && !state.errors.size) state.general.push(ctx.t('join.duplicate'));
          return registerPage(ctx, kind, state, b, res.status);
        }
        send(
          ctx,
          layout(ctx, {
            title: ctx.t('auth.linkSentTitle'),
            body: html`<section class="card narrow" role="status"><p>${ctx.t('join.checkMail')}</p></section>`,
          }),
          202,
        );
      }),
    );
  }

  const linkRefused = (ctx: AnonCtx, key: Key) =>
    send(
      ctx,
      layout(ctx, {
        title: ctx.t('auth.failed'),
        body: html`<div class="card narrow"><p role="alert">${ctx.t(key)}</p><p><a href="/app/sign-in">${ctx.t('auth.signIn')}</a></p></div>`,
      }),
      400,
    );

  router.get(
    '/register/confirm/:token',
    web.anon(async (ctx) => {
      send(
        ctx,
        layout(ctx, {
          title: ctx.t('join.confirmTitle'),
          body: html`<form method="post" action="/app/register/confirm" class="card narrow">${csrfField(ctx)}${hidden('token', String(ctx.req.params.token))}<p>${ctx.t('join.confirmIntro')}</p><button type="submit" class="btn btn-primary">${ctx.t('join.confirm')}</button></form>`,
        }),
      );
    }),
  );

  router.post(
    '/register/confirm',
    web.anonAction(async (ctx) => {
      let res;
      try {
        res = await ctx.api.send('POST', '/registrations/confirm', { body: { token: formText(ctx.req.body.token) } });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401)
          return linkRefused(
            ctx,
            /already used/.test(err.error.message)
              ? 'join.linkUsed'
              : /expired/.test(err.error.message)
                ? 'auth.linkExpired'
                : 'auth.linkInvalid',
          );
        throw err;
      }
      if (!res.ok) return linkRefused(ctx, res.status === 409 ? 'join.accountExists' : 'auth.linkInvalid');
      await openSession(ctx, res.body.token, res.body.expiresIn);
      ctx.res.redirect(
        303,
        res.body.institutionId ? '/app/institution?notice=registered' : '/app/inbox?notice=registered',
      );
    }),
  );

  // ---------------------------------------------------------------- invitations

  async function invitationPage(
    ctx: AnonCtx,
    token: string,
    state: FormState = emptyForm(),
    name = '',
    status = 200,
  ): Promise<void> {
    const { t } = ctx;
    let preview;
    try {
      preview = await ctx.api.send('POST', '/invitations/preview', { body: { token } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return linkRefused(ctx, 'join.invitationInvalid');
      throw err;
    }
    if (!preview.ok) return linkRefused(ctx, 'join.invitationInvalid');
    const p = preview.body;
    if (p.status !== 'pending')
      return linkRefused(
        ctx,
        p.status === 'accepted'
          ? 'join.invitationAccepted'
          : p.status === 'expired'
            ? 'join.invitationExpired'
            : 'join.invitationInvalid',
      );
    const terms = await ctx.api.get('/terms');
    const what = p.institutionName
      ? t('join.invitedTo', { inviter: p.inviterName, institution: p.institutionName })
      : t('join.invitedAs', { inviter: p.inviterName, role: t(`role.${p.role}` as Key) });
    send(
      ctx,
      layout(ctx, {
        title: t('join.invitationTitle'),
        lead: what,
        body: html`${errorSummary(ctx, state, { name: t('join.yourName'), acceptTerms: t('join.termsLegend') })}
        <form method="post" action="/app/invitations/${token}" novalidate>${csrfField(ctx)}
        <section class="card">${facts([[t('auth.email'), p.email], [t('join.role'), t(`role.${p.role}` as Key)], ...(p.countryCode ? [[t('field.country'), p.countryCode] as [string, string]] : []), [t('join.expires'), fmtDate(p.expiresAt, ctx.lang)]])}
        ${field(ctx, { name: 'name', label: t('join.yourName'), value: name, required: true, state, autocomplete: 'name' })}</section>
        ${termsBox(ctx, terms, state)}<button type="submit" class="btn btn-primary">${t('join.acceptInvitation')}</button></form>`,
      }),
      status,
    );
  }

  router.get(
    '/invitations/:token',
    web.anon((ctx) => invitationPage(ctx, String(ctx.req.params.token))),
  );
  router.post(
    '/invitations/:token',
    web.anonAction(async (ctx) => {
      const token = String(ctx.req.params.token);
      const name = formText(ctx.req.body.name);
      let res;
      try {
        res = await ctx.api.send('POST', '/invitations/accept', {
          body: {
            token,
            name,
            acceptTerms: list(ctx.req.body.acceptTerms).includes('yes') as true,
            termsVersion: formText(ctx.req.body.termsVersion),
          },
        });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return linkRefused(ctx, 'join.invitationInvalid');
        throw err;
      }
      if (!res.ok) {
        if (res.status === 409) return linkRefused(ctx, 'join.accountExists');
        return invitationPage(
          ctx,
          token,
          mapDetails(ctx.lang, res.body.error.details, ['name', 'acceptTerms', 'termsVersion']),
          name,
          400,
        );
      }
      await openSession(ctx, res.body.token, res.body.expiresIn);
      ctx.res.redirect(303, res.body.institutionId ? '/app/institution' : '/app');
    }),
  );

  // ---------------------------------------------------------------- the institution (applicants)

  async function institutionPage(
    ctx: PageCtx,
    inviteState: FormState = emptyForm(),
    inviteEmail = '',
    status = 200,
  ): Promise<void> {
    const { t, lang } = ctx;
    if (!ctx.user.institutionId)
      return send(ctx, layout(ctx, { title: t('inst.title'), body: emptyState(t('inst.none')) }));
    const id = ctx.user.institutionId;
    const [inst, members, countries] = await Promise.all([
      ctx.api.get('/institutions/{id}', { params: { id } }),
      ctx.api.get('/institutions/{id}/members', { params: { id } }),
      ctx.ref.countries(),
    ]);
    const owner = inst.myRole === 'owner';
    const invitations = owner ? (await ctx.api.get('/invitations')).items : [];
    const statusText = t(`inst.status.${inst.status}` as Key);
    const body = html`
      <section class="card"><h2>${inst.name}</h2>
        <p class="status-line"><strong>${t('inst.statusLabel')}:</strong> ${statusText}</p>
        ${inst.status !== 'approved' ? html`<p class="muted">${t(inst.status === 'rejected' ? 'inst.rejectedHint' : 'inst.pendingHint')}</p>` : ''}
        ${inst.decisionReason ? html`<p><strong>${t('inst.reason')}:</strong> ${inst.decisionReason}</p>` : ''}
        ${facts([
          [t('join.legalNameEn'), inst.legalNameEn ?? inst.name],
          [t('join.legalNameRu'), inst.legalNameRu ?? '—'],
          [
            t('join.countryOfRegistration'),
            inst.countryCode ? nameOf(countries, inst.countryCode, lang) || inst.countryCode : '—',
          ],
          [t('join.registrationNumber'), inst.registrationNumber ?? '—'],
          [t('join.address'), inst.address ?? '—'],
          [t('join.website'), inst.website ?? '—'],
        ])}
      </section>
      <section class="card"><h2>${t('inst.people')}</h2>
        <table class="table table-stack"><caption class="visually-hidden">${t('inst.people')}</caption>
          <thead><tr><th scope="col">${t('join.yourName')}</th><th scope="col">${t('auth.email')}</th><th scope="col">${t('join.role')}</th>${owner ? html`<th scope="col"><span class="visually-hidden">${t('account.tokenActions')}</span></th>` : ''}</tr></thead>
          <tbody>${members.items.map(
            (
              m,
            ) => html`<tr><td data-label="${t('join.yourName')}">${m.name}</td><td data-label="${t('auth.email')}">${m.email}</td><td data-label="${t('join.role')}">${t(`inst.role.${m.role}` as Key)}</td>
            ${
              owner
                ? html`<td>${
                    m.userId === ctx.user.id
                      ? ''
                      : html`<form method="post" action="/app/institution/members/${m.userId}" class="inline">${csrfField(ctx)}${hidden('role', m.role === 'owner' ? 'member' : 'owner')}<button type="submit" class="btn btn-secondary">${t(m.role === 'owner' ? 'inst.makeMember' : 'inst.makeOwner')}<span class="visually-hidden"> ${m.name}</span></button></form>
              <form method="post" action="/app/institution/members/${m.userId}/remove" class="inline">${csrfField(ctx)}<button type="submit" class="btn btn-danger">${t('inst.remove')}<span class="visually-hidden"> ${m.name}</span></button></form>`
                  }</td>`
                : ''
            }</tr>`,
          )}</tbody>
        </table>
      </section>
      ${
        owner
          ? html`<section class="card"><h2>${t('inst.invitations')}</h2>
        ${
          invitations.length
            ? html`<ul class="plain">${invitations.map(
                (
                  i,
                ) => html`<li>${i.email} · ${t(`inst.role.${i.institutionRole ?? 'member'}` as Key)} · ${t(`inv.status.${i.status}` as Key)}
          ${i.status === 'accepted' ? '' : html` <form method="post" action="/app/institution/invitations/${i.id}/resend" class="inline">${csrfField(ctx)}<button type="submit" class="btn btn-secondary">${t('inv.resend')}<span class="visually-hidden"> ${i.email}</span></button></form>`}
          ${i.status === 'pending' ? html` <form method="post" action="/app/institution/invitations/${i.id}/revoke" class="inline">${csrfField(ctx)}<button type="submit" class="btn btn-secondary">${t('inv.revoke')}<span class="visually-hidden"> ${i.email}</span></button></form>` : ''}</li>`,
              )}</ul>`
            : emptyState(t('inv.none'))
        }
        <form method="post" action="/app/institution/invitations" novalidate>${csrfField(ctx)}<h3>${t('inv.new')}</h3>
          ${field(ctx, { name: 'email', label: t('auth.email'), type: 'email', value: inviteEmail, required: true, state: inviteState })}
          ${field(ctx, {
            name: 'institutionRole',
            label: t('join.role'),
            type: 'select',
            value: 'member',
            options: [
              { value: 'member', label: t('inst.role.member') },
              { value: 'owner', label: t('inst.role.owner') },
            ],
            state: inviteState,
          })}
          <button type="submit" class="btn btn-primary">${t('inv.send')}</button></form></section>`
          : ''
      }`;
    send(ctx, layout(ctx, { title: t('inst.title'), body }), status);
  }

  router.get(
    '/institution',
    web.page((ctx) => institutionPage(ctx), { roles: ['applicant'] }),
  );
  router.post(
    '/institution/invitations',
    web.action(
      async (ctx) => {
        const email = formText(ctx.req.body.email);
        const res = await ctx.api.send('POST', '/invitations', {
          body: {
            email,
            role: 'applicant',
            institutionRole: formText(ctx.req.body.institutionRole) === 'owner' ? 'owner' : 'member',
            language: ctx.lang,
          },
        });
        if (!res.ok) {
          const state = mapDetails(ctx.lang, res.body.error.details, ['email']);
          if (!state.errors.size)
            state.errors.set('email', [res.status === 409 ? ctx.t('join.accountExists') : ctx.t('error.generic')]);
          return institutionPage(ctx, state, email, 400);
        }
        ctx.res.redirect(303, '/app/institution?notice=saved');
      },
      { roles: ['applicant'] },
    ),
  );
  for (const action of ['resend', 'revoke'] as const) {
    router.post(
      `/institution/invitations/:id/${action}`,
      web.action(
        async (ctx) => {
          const res = await ctx.api.send('POST', `/invitations/{id}/${action}` as '/invitations/{id}/resend', {
            params: { id: String(ctx.req.params.id) },
          });
          if (!res.ok && res.status !== 404 && res.status !== 409) throw new ApiError(res.status, res.body.error);
          ctx.res.redirect(303, '/app/institution?notice=saved');
        },
        { roles: ['applicant'] },
      ),
    );
  }
  router.post(
    '/institution/members/:userId',
    web.action(
      async (ctx) => {
        const res = await ctx.api.send('PATCH', '/institutions/{id}/members/{userId}', {
          params: { id: ctx.user.institutionId ?? '-', userId: String(ctx.req.params.userId) },
          body: { role: formText(ctx.req.body.role) === 'owner' ? 'owner' : 'member' },
        });
        ctx.res.redirect(303, `/app/institution?notice=${res.ok ? 'saved' : 'conflict'}`);
      },
      { roles: ['applicant'] },
    ),
  );
  router.post(
    '/institution/members/:userId/remove',
    web.action(
      async (ctx) => {
        const res = await ctx.api.send('POST', '/institutions/{id}/members/{userId}/remove', {
          params: { id: ctx.user.institutionId ?? '-', userId: String(ctx.req.params.userId) },
        });
        ctx.res.redirect(303, `/app/institution?notice=${res.ok ? 'saved' : 'conflict'}`);
      },
      { roles: ['applicant'] },
    ),
  );

  // ---------------------------------------------------------------- approvals (fund managers)

  async function approvalsPage(ctx: PageCtx, status = 200): Promise<void> {
    const { t, lang } = ctx;
    const [insts, apps, areas] = await Promise.all([
      ctx.api.get('/institutions', { query: { status: 'pending_approval', pageSize: 50 } }),
      ctx.api.get('/expert-applications', { query: { status: 'submitted', pageSize: 50 } }),
      ctx.ref.thematicAreas(),
    ]);
    const decideForm = (
      action: string,
      label: string,
    ) => html`<form method="post" action="${action}" class="decide">${csrfField(ctx)}
      ${field(ctx, { name: 'reason', label: t('appr.reason'), type: 'textarea', rows: 2, hint: t('appr.reasonHint'), className: 'compact' })}
      <button type="submit" name="decision" value="approve" class="btn btn-primary">${t('appr.approve')}<span class="visually-hidden"> ${label}</span></button>
      <button type="submit" name="decision" value="reject" class="btn btn-danger">${t('appr.reject')}<span class="visually-hidden"> ${label}</span></button></form>`;
    const body = html`
      <section class="card"><h2>${t('appr.institutions')} (${insts.total})</h2>
        ${
          insts.items.length
            ? insts.items.map(
                (i) => html`<article class="approval"><h3>${i.legalNameEn ?? i.name}</h3>
          ${facts([
            [t('join.legalNameRu'), i.legalNameRu ?? '—'],
            [t('join.countryOfRegistration'), i.countryCode ?? '—'],
            [t('join.type'), t(`join.type.${i.type}` as Key)],
            [t('join.registrationNumber'), i.registrationNumber ?? '—'],
            [t('join.address'), i.address ?? '—'],
            [t('join.website'), i.website ?? '—'],
            [t('appr.registered'), fmtDate(i.createdAt, lang)],
          ])}
          ${decideForm(`/app/approvals/institutions/${i.id}`, i.legalNameEn ?? i.name)}</article>`,
              )
            : emptyState(t('appr.noInstitutions'))
        }
      </section>
      <section class="card"><h2>${t('appr.experts')} (${apps.total})</h2>
        ${
          apps.items.length
            ? apps.items.map(
                (a) => html`<article class="approval"><h3>${a.name}</h3>
          ${facts([
            [t('auth.email'), a.email],
            [t('join.thematicAreas'), a.profile.thematicAreaIds.map((id) => nameOf(areas, id, lang) || id).join(', ')],
            [t('join.languages'), a.profile.languages.join(', ')],
            [t('join.countriesOfExperience'), a.profile.countriesOfExperience.join(', ') || '—'],
            [t('join.education'), a.profile.education],
            [t('join.years'), String(a.profile.yearsExperience)],
            [t('join.fee'), String(a.profile.dailyFeeUsd)],
          ])}
          <details><summary>${t('join.cv')}</summary><p class="prose">${a.profile.cv}</p></details>
          ${decideForm(`/app/approvals/experts/${a.id}`, a.name)}</article>`,
              )
            : emptyState(t('appr.noExperts'))
        }
      </section>`;
    send(ctx, layout(ctx, { title: t('appr.title'), body }), status);
  }

  router.get(
    '/approvals',
    web.page((ctx) => approvalsPage(ctx), { roles: ['fund_manager'] }),
  );
  for (const [kind, path] of [
    ['institutions', '/institutions/{id}/decision'],
    ['experts', '/expert-applications/{id}/decision'],
  ] as const) {
    router.post(
      `/approvals/${kind}/:id`,
      web.action(
        async (ctx) => {
          const reason = formText(ctx.req.body.reason);
          const decision = formText(ctx.req.body.decision) === 'reject' ? 'reject' : 'approve';
          const res = await ctx.api.send('POST', path, {
            params: { id: String(ctx.req.params.id) },
            body: (decision === 'reject' ? { decision, reason } : { decision, ...(reason ? { reason } : {}) }) as never,
          });
          if (!res.ok && res.status === 400) {
            return send(
              ctx,
              layout(ctx, {
                title: ctx.t('appr.title'),
                body: html`<div class="error-summary" role="alert" tabindex="-1" data-focus><p>${ctx.t('appr.reasonNeeded')}</p></div><p><a href="/app/approvals">${ctx.t('appr.back')}</a></p>`,
              }),
              400,
            );
          }
          ctx.res.redirect(303, `/app/approvals?notice=${res.ok ? 'decided' : 'conflict'}`);
        },
        { roles: ['fund_manager'] },
      ),
    );
  }

  // ---------------------------------------------------------------- people (administrators)

  async function peoplePage(
    ctx: PageCtx,
    state: FormState = emptyForm(),
    values: Record<string, string> = {},
    status = 200,
  ): Promise<void> {
    const { t, lang } = ctx;
    const q = formText(ctx.req.query.q);
    const [users, invitations, erasures, countries] = await Promise.all([
      ctx.api.get('/users', { query: { pageSize: 100, ...(q ? { q } : {}) } }),
      ctx.api.get('/invitations'),
      ctx.api.get('/users', { query: { erasureRequested: 'true', pageSize: 100 } }),
      ctx.ref.countries(),
    ]);
    const countryOptions = [
      { value: '', label: '—' },
      ...countries.map((c) => ({ value: c.id, label: lang === 'ru' ? c.nameRu : c.name })),
    ];
    const body = html`
      ${
        erasures.items.length
          ? html`<section class="card"><h2>${t('people.erasures')}</h2><ul class="plain">${erasures.items.map(
              (u) => html`<li>${u.name} (${u.email}) · ${fmtDate(u.erasureRequestedAt, lang)}
        <form method="post" action="/app/people/${u.id}/erase" class="inline">${csrfField(ctx)}<button type="submit" class="btn btn-danger">${t('people.erase')}<span class="visually-hidden"> ${u.name}</span></button></form></li>`,
            )}</ul></section>`
          : ''
      }
      <section class="card"><h2>${t('people.invite')}</h2>${errorSummary(ctx, state, { email: t('auth.email'), role: t('join.role'), countryCode: t('field.country') })}
        <form method="post" action="/app/people/invitations" novalidate>${csrfField(ctx)}
          ${field(ctx, { name: 'email', label: t('auth.email'), type: 'email', required: true, value: values.email ?? '', state })}
          ${field(ctx, { name: 'role', label: t('join.role'), type: 'select', value: values.role ?? 'co_approver', options: STAFF_ROLES.map((r) => ({ value: r, label: t(`role.${r}` as Key) })), state })}
          ${field(ctx, { name: 'countryCode', label: t('field.country'), type: 'select', value: values.countryCode ?? '', options: countryOptions, hint: t('people.countryHint'), state })}
          <button type="submit" class="btn btn-primary">${t('inv.send')}</button></form>
        ${invitations.items.length ? html`<h3>${t('inst.invitations')}</h3><ul class="plain">${invitations.items.map((i) => html`<li>${i.email} · ${t(`role.${i.role}` as Key)}${i.countryCode ? ` (${i.countryCode})` : ''} · ${t(`inv.status.${i.status}` as Key)}</li>`)}</ul>` : ''}
      </section>
      <p><a href="/app/holidays">${t('nav.holidays')}</a></p>
      <section class="card"><h2>${t('people.all')}</h2>
        <form method="get" action="/app/people" class="filters">${field(ctx, { name: 'q', label: t('people.search'), value: q })}<button type="submit" class="btn btn-secondary">${t('filter.apply')}</button></form>
        <table class="table table-stack"><caption class="visually-hidden">${t('people.all')}</caption>
          <thead><tr><th scope="col">${t('join.yourName')}</th><th scope="col">${t('auth.email')}</th><th scope="col">${t('join.role')}</th><th scope="col">${t('people.state')}</th><th scope="col">${t('people.change')}</th></tr></thead>
          <tbody>${users.items.map(
            (
              u,
            ) => html`<tr><td data-label="${t('join.yourName')}">${u.name}</td><td data-label="${t('auth.email')}">${u.email}</td>
            <td data-label="${t('join.role')}">${t(`role.${u.role}` as Key)}${u.countryCode ? ` (${u.countryCode})` : ''}</td><td data-label="${t('people.state')}">${u.erasedAt ? t('people.erased') : u.active ? t('people.active') : t('people.inactive')}</td>
            <td data-label="${t('people.change')}">${
              u.id === ctx.user.id || u.erasedAt
                ? ''
                : html`<form method="post" action="/app/people/${u.id}" class="inline">${csrfField(ctx)}
              <label class="visually-hidden" for="role-${u.id}">${t('join.role')}: ${u.name}</label><select id="role-${u.id}" name="role">${STAFF_ROLES.map((r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${t(`role.${r}` as Key)}</option>`)}${(STAFF_ROLES as readonly string[]).includes(u.role) ? '' : html`<option value="${u.role}" selected>${t(`role.${u.role}` as Key)}</option>`}</select>
              <label class="visually-hidden" for="country-${u.id}">${t('field.country')}: ${u.name}</label><select id="country-${u.id}" name="countryCode">${countryOptions.map((c) => html`<option value="${c.value}"${c.value === (u.countryCode ?? '') ? html` selected` : ''}>${c.label}</option>`)}</select>
              <button type="submit" class="btn btn-secondary">${t('people.save')}<span class="visually-hidden"> ${u.name}</span></button>
              <button type="submit" name="active" value="${u.active ? 'false' : 'true'}" class="btn ${u.active ? 'btn-danger' : 'btn-secondary'}">${t(u.active ? 'people.deactivate' : 'people.reactivate')}<span class="visually-hidden"> ${u.name}</span></button></form>`
            }</td></tr>`,
          )}</tbody>
        </table></section>`;
    send(ctx, layout(ctx, { title: t('people.title'), body, wide: true }), status);
  }

  router.get(
    '/people',
    web.page((ctx) => peoplePage(ctx), { roles: ['admin'] }),
  );
  router.post(
    '/people/invitations',
    web.action(
      async (ctx) => {
        const values = formTexts(ctx.req.body, ['email', 'role', 'countryCode']);
        const res = await ctx.api.send('POST', '/invitations', {
          body: {
            email: values.email,
            role: values.role as 'reviewer',
            ...(values.countryCode && values.role === 'co_approver' ? { countryCode: values.countryCode } : {}),
            language: ctx.lang,
          },
        });
        if (!res.ok) {
          const state = refusedForm(ctx, res, ['email', 'role', 'countryCode'], ctx.t('join.accountExists'));
          return peoplePage(ctx, state, values, 400);
        }
        ctx.res.redirect(303, '/app/people?notice=saved');
      },
      { roles: ['admin'] },
    ),
  );
  router.post(
    '/people/:id',
    web.action(
      async (ctx) => {
        const role = formText(ctx.req.body.role);
        const active = formText(ctx.req.body.active);
        const body = active
          ? { active: active === 'true' }
          : {
              role: role as 'reviewer',
              countryCode: role === 'co_approver' ? formText(ctx.req.body.countryCode) || null : null,
            };
        const res = await ctx.api.send('PATCH', '/users/{id}', { params: { id: String(ctx.req.params.id) }, body });
        ctx.res.redirect(303, `/app/people?notice=${res.ok ? 'saved' : 'conflict'}`);
      },
      { roles: ['admin'] },
    ),
  );
  router.post(
    '/people/:id/erase',
    web.action(
      async (ctx) => {
        const res = await ctx.api.send('POST', '/users/{id}/erase', { params: { id: String(ctx.req.params.id) } });
        if (!res.ok && res.body.error.code === 'open_tasks') {
          return send(
            ctx,
            layout(ctx, {
              title: ctx.t('people.eraseRefused'),
              body: html`<div class="error-summary" role="alert" tabindex="-1" data-focus><p>${ctx.t('people.eraseOpenTasks')}</p>${await personOpenTasks(ctx, String(ctx.req.params.id), '/app/people')}</div><p><a href="/app/people">${ctx.t('people.back')}</a></p>`,
            }),
            409,
          );
        }
        ctx.res.redirect(303, `/app/people?notice=${res.ok ? 'saved' : 'conflict'}`);
      },
      { roles: ['admin'] },
    ),
  );
}
