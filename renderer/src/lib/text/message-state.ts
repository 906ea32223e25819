// Words for where one of my messages is: waiting here, sent, held by a relay until a date, delivered (in a group: to how many) or not delivered.
import type { MessageDto } from '../../../../electron/shared/api/index.js';
import { assertNever } from '../../../../electron/shared/assert-never.js';

export function messageStateLabel(message: Pick<MessageDto, 'state' | 'heldUntil' | 'delivery'>): string {
  // In a group, once it left here, what matters is how many members stored it.
  if (message.delivery !== undefined && message.state !== 'queued' && message.state !== 'failed') {
    return `Delivered to ${String(message.delivery.delivered)} of ${String(message.delivery.total)}`;
  }
  switch (message.state) {
    case 'queued':
      return 'Waiting to send';
    case 'sent':
      return 'Sent';
    case 'held':
      return message.heldUntil === undefined ? 'Held by relay' : `Held by relay until ${heldUntilLabel(message.heldUntil)}`;
    case 'delivered':
      return 'Delivered';
    case 'failed':
      return 'Not delivered';
    default:
      return assertNever(message.state);
  }
}

function heldUntilLabel(until: number): string {
  return new Date(until).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
}
