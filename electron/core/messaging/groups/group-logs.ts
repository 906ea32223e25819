// Each group's roster log, rebuilt once from its stored operations and kept in memory while the profile is open.
import { RosterLog, type Roster } from '../../groups/index.js';
import type { Group, ProfileState } from '../../store/index.js';

export class GroupLogs {
  readonly #logs = new Map<string, RosterLog>();

  constructor(
    private readonly state: ProfileState,
    private readonly log: (line: string) => void,
  ) {}

  /** The group's log (empty while joining); undefined if there is no such group. */
  of(groupId: string): RosterLog | undefined {
    const known = this.#logs.get(groupId);
    if (known !== undefined) return known;
    const group = this.state.group(groupId);
    if (group === undefined) return undefined;
    const log = this.#rebuild(group);
    this.#logs.set(groupId, log);
    return log;
  }

  /** The roster everyone holding the group's operations agrees on; undefined while the log is empty. */
  roster(groupId: string): Roster | undefined {
    const log = this.of(groupId);
    return log === undefined || log.size === 0 ? undefined : log.roster;
  }

  forget(groupId: string): void {
    this.#logs.delete(groupId);
  }

  #rebuild(group: Group): RosterLog {
    const log = new RosterLog(group.id);
    for (const bytes of group.operations) {
      try {
        log.accept(bytes, { trusted: true });
      } catch (error) {
        // Only operations the log accepted are stored, parents first; this is a damaged state file, already checked whole.
        this.log(`a stored operation of group ${group.id} was skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return log;
  }
}
