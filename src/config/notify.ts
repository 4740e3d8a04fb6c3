/** The `notify` section: notification targets. Owned by the notification room (src/notify/). */
import { z } from 'zod';

export const notifyTargetSchema = z.looseObject({ name: z.string().min(1) }).describe('A notification target.');

export const notifySchema = z.array(notifyTargetSchema).default([]).describe('Notification targets.');
