/**
 * Value normalizers shared by comparisons and blocking keys. They only remove differences that
 * carry no identity (case, accents, punctuation, spacing), never content: anything beyond that
 * is for the comparison levels to weigh.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ALNUM = /[^\p{L}\p{N}]+/gu;
const NON_DIGITS = /\D+/g;

/** Lower case, accents stripped, every run of punctuation or space collapsed to one space. */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(NON_ALNUM, ' ').trim();
}

/** Digits only: postcodes, phone numbers and ids are compared on their digits. */
export function digitsOnly(value: string): string {
  return value.replace(NON_DIGITS, '');
}
