/** What a Home Assistant entity is made of before discovery.ts renders its config message. */

export type Payload = Record<string, unknown>;

export type Component = 'binary_sensor' | 'sensor' | 'switch' | 'button' | 'event';

export interface EntitySpec {
  component: Component;
  key: string;
  name: string;
  fields: Payload;
  /** Entities most people will not want start disabled; they can enable them in Home Assistant. */
  disabled?: boolean;
  category?: 'diagnostic' | 'config';
  /** Entities that must stay readable while Arrgus is offline (the connection sensor) carry no availability. */
  noAvailability?: boolean;
  /** More availability conditions beside the service's and the source's (all must hold). */
  availability?: Payload[];
}
