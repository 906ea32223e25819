// The schema of one stored message and of a closed history segment.
import { z } from 'zod';

export const historyMessageSchema = z.object({
  /** The envelope id (128-bit random), unique within a conversation. */
  id: z.string().min(1).max(64),
  direction: z.enum(['in', 'out']),
  kind: z.string().min(1).max(32),
  body: z.string().max(200_000),
  /** Milliseconds since the epoch, as claimed by the sender. */
  sentAt: z.number().int(),
  /** Milliseconds since the epoch, when this device stored it. */
  storedAt: z.number().int(),
  /** The sender's sequence number for stored kinds (text): how the receiver orders and deduplicates. */
  seq: z.number().int().min(1).optional(),
  /** Group messages: who wrote it (an onion address). */
  sender: z.string().max(64).optional(),
  /** Our group messages: to how many members it went (the "of 4" in "delivered to 3 of 4"). */
  recipients: z.number().int().min(0).optional(),
});
export type HistoryMessage = z.infer<typeof historyMessageSchema>;

export const segmentSchema = z.object({
  formatVersion: z.literal(1),
  seq: z.number().int().min(1),
  messages: z.array(historyMessageSchema),
});
export type Segment = z.infer<typeof segmentSchema>;

export const conversationHeaderSchema = z.object({
  formatVersion: z.literal(1),
  conversationId: z.string().min(1),
  createdAt: z.iso.datetime(),
});
export type ConversationHeader = z.infer<typeof conversationHeaderSchema>;
