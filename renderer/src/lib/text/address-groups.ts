// Splits an onion address into short groups so a person can read it aloud and compare it piece by piece.

/** 56 characters become 14 groups of 4. */
export function addressGroups(address: string, size = 4): string[] {
  const groups: string[] = [];
  for (let start = 0; start < address.length; start += size) groups.push(address.slice(start, start + size));
  return groups;
}

/** The groups of a safety number: Signal shows 60 digits as 12 groups of 5. */
export function safetyNumberGroups(digits: string): string[] {
  return addressGroups(digits.replace(/\s+/g, ''), 5);
}
