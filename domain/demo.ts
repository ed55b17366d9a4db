/** Fixed demo accounts (README lists them). Seeded by scripts/seed.ts; used by tests and benchmarks. */
export const DEMO_USERS = {
  applicant: { id: 'u-applicant-tpu', email: 'applicant@tpu.example.org', name: 'Anna Petrova', role: 'applicant', institutionId: 'inst-tpu' },
  applicant2: { id: 'u-applicant-hse', email: 'applicant@hse.example.org', name: 'Dmitry Sokolov', role: 'applicant', institutionId: 'inst-hse' },
  coKg: { id: 'u-co-kg', email: 'co.kg@undp.example.org', name: 'Aigul Toktogulova', role: 'co_approver', countryCode: 'KG' },
  coKg2: { id: 'u-co-kg-head', email: 'head.kg@undp.example.org', name: 'Bakyt Osmonov', role: 'co_approver', countryCode: 'KG' },
  coTj: { id: 'u-co-tj', email: 'co.tj@undp.example.org', name: 'Nilufar Rahimova', role: 'co_approver', countryCode: 'TJ' },
  coTj2: { id: 'u-co-tj-head', email: 'head.tj@undp.example.org', name: 'Farrukh Saidov', role: 'co_approver', countryCode: 'TJ' },
  fundManager: { id: 'u-fund-manager', email: 'fund.manager@undp.example.org', name: 'Elena Smirnova', role: 'fund_manager' },
  reviewer1: { id: 'u-reviewer-1', email: 'reviewer1@example.org', name: 'Igor Volkov', role: 'reviewer', institutionId: 'inst-msu' },
  reviewer2: { id: 'u-reviewer-2', email: 'reviewer2@example.org', name: 'Olga Lebedeva', role: 'reviewer', institutionId: 'inst-spbu' },
  reviewer3: { id: 'u-reviewer-3', email: 'reviewer3@example.org', name: 'Pavel Orlov', role: 'reviewer', institutionId: 'inst-tpu' },
  expert1: { id: 'u-expert-1', email: 'expert1@example.org', name: 'Sergey Ivanov', role: 'expert', expertId: 'exp-001' },
  expert2: { id: 'u-expert-2', email: 'expert2@example.org', name: 'Maria Kuznetsova', role: 'expert', expertId: 'exp-002' },
  admin: { id: 'u-admin', email: 'admin@undp.example.org', name: 'System Administrator', role: 'admin' },
} as const;
