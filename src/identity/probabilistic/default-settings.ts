import type { BlockingRule, ComparisonLevel, FieldSettings, LinkageSettingsInput } from './settings.js';

/**
 * Default settings for person records: FEBRL-style columns and a CRM's profile columns alike.
 * Nothing here was fitted to a benchmark file: levels are the usual ones of the linkage
 * literature (Jaro-Winkler bands as in Winkler's and Splink's name comparisons, one or two edits
 * for keyed digits, day/month swaps for dates), the weights are learned per data set by EM,
 * and fields a data set lacks simply drop out.
 */

const nameLevels = (other: string): ComparisonLevel[] => [
  { kind: 'exact' },
  { kind: 'swapped', field: other },
  { kind: 'jaroWinkler', min: 0.92 },
  { kind: 'jaroWinkler', min: 0.8 },
];

/** Free text such as street names: typos and abbreviations, so similarity bands. */
const textLevels: ComparisonLevel[] = [
  { kind: 'exact' },
  { kind: 'jaroWinkler', min: 0.9 },
  { kind: 'jaroWinkler', min: 0.8 },
];

/** Keyed codes and numbers: one slip of a key (substitution or adjacent swap), then two. */
const keyedLevels: ComparisonLevel[] = [
  { kind: 'exact' },
  { kind: 'damerau', max: 1 },
  { kind: 'levenshtein', max: 2 },
];

const fields: FieldSettings[] = [
  {
    key: 'given_name',
    columns: ['given_name', 'first_name', 'firstname', 'first name', 'forename', 'fname'],
    normalize: 'text',
    levels: nameLevels('surname'),
    termFrequency: true,
  },
  {
    key: 'surname',
    columns: ['surname', 'last_name', 'lastname', 'last name', 'family_name', 'lname'],
    normalize: 'text',
    levels: nameLevels('given_name'),
    termFrequency: true,
  },
  {
    key: 'date_of_birth',
    columns: ['date_of_birth', 'dob', 'birthday', 'birth_date', 'birthdate'],
    normalize: 'date',
    levels: [
      { kind: 'exact' },
      { kind: 'damerau', max: 1 },
      { kind: 'dateDayMonthSwapped' },
      { kind: 'levenshtein', max: 2 },
      { kind: 'dateWithinYears', years: 1 },
    ],
    termFrequency: false,
  },
  {
    key: 'national_id',
    columns: ['soc_sec_id', 'ssn', 'social_security_number', 'national_id', 'tax_id'],
    normalize: 'digits',
    levels: keyedLevels,
    termFrequency: false,
  },
  {
    key: 'email',
    columns: ['email', 'email_address', 'e-mail'],
    normalize: 'email',
    levels: [{ kind: 'exact' }, { kind: 'levenshtein', max: 2 }],
    termFrequency: true,
  },
  {
    key: 'phone',
    columns: ['phone', 'phone_number', 'mobile', 'telephone', 'tel'],
    normalize: 'phone',
    levels: [{ kind: 'exact' }, { kind: 'damerau', max: 1 }],
    termFrequency: false,
  },
  {
    key: 'street_number',
    columns: ['street_number', 'house_number', 'street_no', 'building_number'],
    normalize: 'text',
    levels: [{ kind: 'exact' }, { kind: 'damerau', max: 1 }],
    termFrequency: false,
  },
  {
    key: 'address',
    columns: ['address_1', 'address', 'address_line_1', 'address1', 'street', 'street_address'],
    normalize: 'text',
    levels: textLevels,
    termFrequency: true,
  },
  {
    key: 'address_2',
    columns: ['address_2', 'address_line_2', 'address2'],
    normalize: 'text',
    levels: [{ kind: 'exact' }, { kind: 'jaroWinkler', min: 0.9 }],
    termFrequency: true,
  },
  {
    key: 'city',
    columns: ['suburb', 'city', 'town', 'locality'],
    normalize: 'text',
    levels: [{ kind: 'exact' }, { kind: 'jaroWinkler', min: 0.9 }],
    termFrequency: true,
  },
  {
    key: 'postcode',
    columns: ['postcode', 'zip', 'zip_code', 'zipcode', 'postal_code'],
    normalize: 'text',
    levels: [{ kind: 'exact' }, { kind: 'damerau', max: 1 }],
    termFrequency: true,
  },
  {
    key: 'state',
    columns: ['state', 'region', 'province'],
    normalize: 'text',
    levels: [{ kind: 'exact' }],
    termFrequency: false,
  },
];

const rule = (...keys: BlockingRule['keys']): BlockingRule => ({ keys });
const soundexOf = (field: string) => ({ field, transform: 'soundex' as const });
const value = (field: string) => ({ field, transform: 'value' as const });

/**
 * A union of cheap rules, each pairing a strong identifier or a phonetic name with a second
 * attribute, so a typo in any one field still leaves the pair in some block. Rules on fields the
 * data lacks produce nothing.
 */
const blockingRules: BlockingRule[] = [
  rule(value('national_id')),
  rule(value('email')),
  rule(value('phone')),
  rule(value('date_of_birth')),
  rule(soundexOf('given_name'), soundexOf('surname')),
  rule(value('postcode'), value('street_number')),
  rule(value('postcode'), soundexOf('surname')),
  rule(value('postcode'), soundexOf('given_name')),
  rule(value('city'), soundexOf('surname')),
  rule(value('city'), soundexOf('given_name')),
  rule(value('address'), value('street_number')),
  rule({ field: 'date_of_birth', transform: 'year' }, soundexOf('given_name')),
  rule({ field: 'date_of_birth', transform: 'year' }, soundexOf('surname')),
  rule({ field: 'date_of_birth', transform: 'monthDay' }, soundexOf('given_name')),
  rule({ field: 'date_of_birth', transform: 'monthDay' }, soundexOf('surname')),
  rule(value('street_number'), soundexOf('surname')),
  rule(value('street_number'), soundexOf('given_name')),
];

export const defaultPersonSettings: LinkageSettingsInput = {
  fields,
  blockingRules,
};
