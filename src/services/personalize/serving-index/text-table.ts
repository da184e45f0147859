/**
 * Distinct texts numbered from 1 (0 stands for null): what the serving index stores for fields
 * that a million profiles share among a few hundred values (RFM groups, CLV tiers, clusters,
 * categories, segment lists). `text` gives back the one string, shared by every send.
 */
export class TextTable {
  private readonly numbers = new Map<string, number>();
  private readonly texts: string[] = [''];

  ref(text: string | null): number {
    if (text === null) return 0;
    let number = this.numbers.get(text);
    if (number === undefined) {
      number = this.texts.length;
      this.texts.push(text);
      this.numbers.set(text, number);
    }
    return number;
  }

  text(ref: number): string | null {
    return ref === 0 ? null : (this.texts[ref] ?? null);
  }

  get size(): number {
    return this.texts.length - 1;
  }
}
