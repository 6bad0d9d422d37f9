// Expected translations: VAs that must stay mapped (to a given PA, with at most the given
// permissions) and VAs that must never translate. A walk that faults or an access that
// faults on the first, a TLB fill or successful access for the second, or a TLB fill that
// maps the first elsewhere or more permissively, is a violation.

import { A_RDONLY } from '../arch/attrs.js';
import { Ev, type EventBuffer, FAULT_NONE, FAULT_PERMISSION } from '../machine/events.js';
import type { Machine } from '../machine/machine.js';
import { hex, tlbTupleName, vaName } from './describe.js';
import type { Property, Violation } from './property.js';

export interface Expectation {
  probe: number;
  /** Expected physical address of the VA. */
  pa: number;
  /** Whether the mapping may be writable (default: true). */
  writable?: boolean;
}

export interface TranslationParams {
  mapped: readonly Expectation[];
  never: readonly number[];
}

const FAULT_NAMES = ['none', 'translation fault', 'access flag fault', 'permission fault'];

export function translationProperty(params: TranslationParams): Property {
  const mapped = new Map(params.mapped.map((e) => [e.probe, e]));
  const never = new Set(params.never);
  return {
    name: 'translation',
    onEvents(m: Machine, _s: Int32Array, events: EventBuffer, out: Violation[]): void {
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind === Ev.WalkFault && mapped.has(ev.probe))
          out.push({ kind: 'translation', message: `CPU${ev.cpu}'s walker found ${vaName(m, ev.probe)} unmapped (invalid level-${ev.level} entry); the VA must stay mapped, and an access may use this fault result until the CPU's next isb.` });
        else if (ev.kind === Ev.Access && ev.b !== FAULT_NONE && mapped.has(ev.probe))
          out.push({ kind: 'translation', message: `CPU${ev.cpu}'s ${ev.a ? 'write to' : 'read of'} ${vaName(m, ev.probe)} took a ${FAULT_NAMES[ev.b]}; the VA must stay ${ev.a && ev.b === FAULT_PERMISSION ? 'writable' : 'mapped'}.` });
        else if (ev.kind === Ev.Access && ev.b === FAULT_NONE && never.has(ev.probe))
          out.push({ kind: 'translation', message: `CPU${ev.cpu}'s ${ev.a ? 'write to' : 'read of'} ${vaName(m, ev.probe)} translated (to PA ${hex(ev.va * 4096)}); the VA must never translate.` });
        else if (ev.kind === Ev.TlbFill) checkFill(m, ev.cpu, ev.probe, ev.va, ev.b, ev.c, ev.a, ev.level, mapped, never, out);
      }
    },
  };
}

function checkFill(
  m: Machine, cpu: number, fillProbe: number, vaBase: number, size: number, oa: number, attrs: number, level: number,
  mapped: Map<number, Expectation>, never: Set<number>, out: Violation[],
): void {
  const region = m.cfg.probes[fillProbe]!.region;
  const entry = tlbTupleName(m, region, vaBase, size, oa, attrs, level);
  m.cfg.probes.forEach((pr, p) => {
    if (pr.region !== region || pr.vaPage < vaBase || pr.vaPage >= vaBase + 2 ** size) return;
    if (never.has(p)) {
      out.push({ kind: 'translation', message: `CPU${cpu}'s TLB was filled with ${entry}, which translates ${vaName(m, p)}; the VA must never translate.` });
      return;
    }
    const e = mapped.get(p);
    if (!e) return;
    const pa = (oa + pr.vaPage - vaBase) * 4096 + (pr.va % 4096);
    if (pa !== e.pa)
      out.push({ kind: 'translation', message: `CPU${cpu}'s TLB was filled with ${entry}, which maps ${vaName(m, p)} to PA ${hex(pa)}; it must map to ${hex(e.pa)}.` });
    else if (e.writable === false && ((attrs >> A_RDONLY) & 1) === 0)
      out.push({ kind: 'translation', message: `CPU${cpu}'s TLB was filled with ${entry} (${m.enc.describeAttrs(attrs)}), which lets ${vaName(m, p)} be written; it must be read-only.` });
  });
}
