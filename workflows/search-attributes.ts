import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { phaseOf, type Programme } from '../domain/registry';

/** Custom search attributes; the dev server registers them at start (scripts/start.ts, test harness). */
export const PROGRAMME_KEY = defineSearchAttributeKey('Programme', SearchAttributeType.KEYWORD);
/** The shared phase (or outcome): the same values for every programme. */
export const STAGE_KEY = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
/** The programme's own stage. */
export const PROGRAMME_STAGE_KEY = defineSearchAttributeKey('ProgrammeStage', SearchAttributeType.KEYWORD);
export const COUNTRY_KEY = defineSearchAttributeKey('CountryCode', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [PROGRAMME_KEY, STAGE_KEY, PROGRAMME_STAGE_KEY, COUNTRY_KEY];

/** The search attributes of a subject in `stage`. */
export function subjectSearchAttributes(
  programme: Programme,
  stage: string,
  countryCode: string,
): SearchAttributePair[] {
  return [
    { key: PROGRAMME_KEY, value: programme },
    { key: STAGE_KEY, value: phaseOf(programme, stage) ?? stage },
    { key: PROGRAMME_STAGE_KEY, value: stage },
    { key: COUNTRY_KEY, value: countryCode },
  ];
}
