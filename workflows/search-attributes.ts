import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes; the dev server registers them at start (scripts/start.ts, test harness). */
export const PROGRAMME_KEY = defineSearchAttributeKey('Programme', SearchAttributeType.KEYWORD);
export const STAGE_KEY = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const COUNTRY_KEY = defineSearchAttributeKey('CountryCode', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [PROGRAMME_KEY, STAGE_KEY, COUNTRY_KEY];
