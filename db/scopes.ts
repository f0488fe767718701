import type { Scope } from './ingest/validate.ts';
import type { LocalityRegistry } from './localities/registry.ts';

/**
 * The scopes of publishers and admins: localities (a unit covers its communes and the old units
 * merged into it) and services (null = every service). One rule for what lies within what, used
 * by the admin routes for publishers, targets, pull sources and the audit.
 */
export interface CodedScope extends Scope {
  localityIds: Set<number>;
  /** The codes, for messages and the audit. */
  localityCodes: string[];
  serviceCodes: string[] | null;
}

/** Whether a unit is within the localities of a scope: it, an ancestor, or what it merged into, is listed. */
export function coversUnit(registry: LocalityRegistry, scope: Pick<Scope, 'localityIds'>, unitId: number): boolean {
  if (scope.localityIds === null) return true;
  const listed = scope.localityIds;
  return registry.scopeChain(registry.get(unitId)).some((id) => listed.has(id));
}

/** Whether a service (null = every service) is within a scope's services. */
export function coversService(scope: Pick<Scope, 'serviceIds'>, serviceId: number | null): boolean {
  if (scope.serviceIds === null) return true;
  return serviceId !== null && scope.serviceIds.has(serviceId);
}

/** Whether `inner` (a publisher's or admin's scope) lies wholly within `outer`. */
export function scopeWithin(registry: LocalityRegistry, inner: Scope, outer: Scope): boolean {
  if (inner.localityIds === null) {
    if (outer.localityIds !== null && !outer.localityIds.has(registry.country.id)) return false;
  } else {
    for (const id of inner.localityIds) if (!coversUnit(registry, outer, id)) return false;
  }
  if (outer.serviceIds === null) return true;
  if (inner.serviceIds === null) return false;
  for (const id of inner.serviceIds) if (!outer.serviceIds.has(id)) return false;
  return true;
}

/** National: every locality (VN) and every service. */
export function isNational(registry: LocalityRegistry, scope: Scope): boolean {
  return (scope.localityIds === null || scope.localityIds.has(registry.country.id)) && scope.serviceIds === null;
}

/** "79 (Thành phố Hồ Chí Minh)", "01 (Thành phố Hà Nội), 79 (…)". */
export function localitiesText(registry: LocalityRegistry, codes: string[]): string {
  return codes.map((code) => {
    const unit = registry.current(code);
    return unit ? `${code} (${unit.name})` : code;
  }).join(', ');
}

/** A scope in words, Vietnamese and English: "79 (Thành phố Hồ Chí Minh), services 1.001193". */
export function scopeText(registry: LocalityRegistry, scope: Pick<CodedScope, 'localityCodes' | 'serviceCodes'>): { vi: string; en: string } {
  const places = localitiesText(registry, scope.localityCodes);
  if (scope.serviceCodes === null) return { vi: `${places}, mọi thủ tục`, en: `${places}, every service` };
  const services = scope.serviceCodes.join(', ');
  return { vi: `${places}, thủ tục ${services}`, en: `${places}, services ${services}` };
}

/** A scope as given (codes), checked against the registry and the catalogue; every code must be known. */
export function resolveScope(
  registry: LocalityRegistry,
  serviceIds: Map<string, number>,
  input: { localities: string[]; services?: string[] | null },
): { ok: true; scope: CodedScope } | { ok: false; vi: string; en: string } {
  const localityIds = new Set<number>();
  const localityCodes: string[] = [];
  for (const code of input.localities) {
    const unit = registry.current(code);
    if (!unit) return { ok: false, vi: `mã địa bàn "${code}" không có trong danh mục địa bàn`, en: `unknown locality code "${code}"` };
    if (!localityIds.has(unit.id)) localityCodes.push(code);
    localityIds.add(unit.id);
  }
  if (localityIds.size === 0) return { ok: false, vi: 'cần ít nhất một mã địa bàn', en: 'a scope needs at least one locality' };
  const services = input.services && input.services.length > 0 ? input.services : null;
  let ids: Set<number> | null = null;
  if (services) {
    ids = new Set();
    for (const code of services) {
      const id = serviceIds.get(code);
      if (id === undefined) return { ok: false, vi: `mã thủ tục "${code}" chưa có trong danh mục thủ tục`, en: `unknown service code "${code}"` };
      ids.add(id);
    }
  }
  return { ok: true, scope: { localityIds, serviceIds: ids, localityCodes, serviceCodes: services ? [...new Set(services)] : null } };
}

/** The codes of a scope held as ids. */
export function codedScope(registry: LocalityRegistry, serviceCodes: Map<number, string>, scope: Scope): CodedScope {
  const localityIds = scope.localityIds ?? new Set([registry.country.id]);
  return {
    localityIds,
    serviceIds: scope.serviceIds,
    localityCodes: [...localityIds].map((id) => registry.get(id).code).sort(),
    serviceCodes: scope.serviceIds === null ? null : [...scope.serviceIds].map((id) => serviceCodes.get(id) ?? String(id)).sort(),
  };
}
