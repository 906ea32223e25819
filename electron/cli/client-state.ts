// What the terminal remembers between lines: names of contacts and groups, numbered files, and our messages awaiting delivery.
import type { ContactDto, FileDto, GroupDto } from '../shared/api/index.js';

export interface BookedFile {
  readonly number: number;
  readonly conversation: string;
  readonly direction: 'in' | 'out';
  /** From whom (incoming) or to whom (outgoing), ready to print. */
  readonly peer: string;
  file: FileDto;
}

export interface SentMessage {
  readonly to: string;
  readonly text: string;
  /** The group's delivered count last printed. */
  delivered: number;
}

/** Our sent messages whose delivery is still announced; the oldest are forgotten beyond this. */
const MAX_SENT = 1_000;

export class ClientState {
  readonly contacts = new Map<string, ContactDto>();
  readonly groups = new Map<string, GroupDto>();
  readonly files: BookedFile[] = [];
  readonly #filesById = new Map<string, BookedFile>();
  readonly sent = new Map<string, SentMessage>();
  /** Files that SAVE was asked for before they had arrived. */
  readonly pendingSaves = new Set<string>();
  /** Last percent step printed per file. */
  readonly progressStep = new Map<string, number>();

  rememberContacts(contacts: readonly ContactDto[]): void {
    for (const contact of contacts) this.contacts.set(contact.address, contact);
  }

  rememberGroups(groups: readonly GroupDto[]): void {
    for (const group of groups) this.groups.set(group.id, group);
  }

  /** Numbers a file the first time it is seen; later calls update what is known of it. */
  bookFile(conversation: string, direction: 'in' | 'out', peer: string, file: FileDto): BookedFile {
    const known = this.#filesById.get(file.id);
    if (known !== undefined) {
      known.file = file;
      return known;
    }
    const booked: BookedFile = { number: this.files.length + 1, conversation, direction, peer, file };
    this.files.push(booked);
    this.#filesById.set(file.id, booked);
    return booked;
  }

  fileById(id: string): BookedFile | undefined {
    return this.#filesById.get(id);
  }

  rememberSent(id: string, to: string, text: string): void {
    this.sent.set(id, { to, text, delivered: 0 });
    if (this.sent.size > MAX_SENT) this.sent.delete(this.sent.keys().next().value!);
  }
}
