/**
 * The rest of the fake organisation, beside departments and persons (data.ts): offices, teams and
 * projects, the three kinds Ocean's fake integration added. Shaped like Ocean's (an office's address
 * with its lines and coordinates, a team's department and lead, a project's team), but Tide's own data:
 * fixed, so every run and every runtime produces the same catalog. `entityAmount` does not scale them;
 * it stays the number of persons per department.
 */
import { FAKE_DEPARTMENTS, type FakeDepartment } from './data.ts';

export type FakeOffice = {
  id: string;
  name: string;
  address: { city: string; country: string; lines: string[]; geo: { lat: number; lng: number } };
};

export type FakeTeam = { id: string; name: string; department: FakeDepartment; lead: { name: string; email: string } };

export type FakeProjectStatus = 'active' | 'completed' | 'pending';

export type FakeProject = { id: string; name: string; status: FakeProjectStatus; description: string; team: { id: string; name: string } };

const office = (id: string, name: string, city: string, country: string, lines: string[], lat: number, lng: number): FakeOffice => ({
  id: `office-${id}`,
  name,
  address: { city, country, lines, geo: { lat, lng } },
});

/** Eight offices; some addresses have two lines, so mappings that join or pick lines have something to do. */
export const FAKE_OFFICES: readonly FakeOffice[] = Object.freeze([
  office('lisbon', 'Lisbon', 'Lisbon', 'Portugal', ['Rua Augusta 12', '3rd floor'], 38.7107, -9.1366),
  office('oslo', 'Oslo', 'Oslo', 'Norway', ['Karl Johans gate 7'], 59.9127, 10.7461),
  office('montreal', 'Montreal', 'Montreal', 'Canada', ['Rue Sainte-Catherine 400', 'Suite 210'], 45.5049, -73.5714),
  office('nairobi', 'Nairobi', 'Nairobi', 'Kenya', ['Kenyatta Avenue 31'], -1.2841, 36.8219),
  office('seoul', 'Seoul', 'Seoul', 'South Korea', ['Teheran-ro 152', 'Tower A'], 37.5006, 127.0364),
  office('austin', 'Austin', 'Austin', 'USA', ['Congress Avenue 600'], 30.2688, -97.7428),
  office('krakow', 'Krakow', 'Krakow', 'Poland', ['Rynek Główny 9', 'Entrance B'], 50.0617, 19.9373),
  office('auckland', 'Auckland', 'Auckland', 'New Zealand', ['Queen Street 88'], -36.8485, 174.7633),
]);

const TEAM_NAMES: ReadonlyArray<readonly [string, string, string]> = [
  // [name, department id, lead]
  ['Recruiting', 'hr', 'Ada Moreau'],
  ['People Ops', 'hr', 'Bruno Silva'],
  ['Brand', 'marketing', 'Chiara Rossi'],
  ['Growth', 'marketing', 'Dmitri Volkov'],
  ['Payroll', 'finance', 'Esi Mensah'],
  ['Treasury', 'finance', 'Farid Haddad'],
  ['Tier 1', 'support', 'Greta Lind'],
  ['Tier 2', 'support', 'Hiro Tanaka'],
  ['Research', 'morpazia', 'Ines Duarte'],
  ['Labs', 'morpazia', 'Jonas Berg'],
  ['Platform', 'morpazia', 'Kemi Adeyemi'],
  ['Security', 'hr', 'Lars Nilsen'],
];

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Twelve teams, each in one of the five departments, each with a lead. */
export const FAKE_TEAMS: readonly FakeTeam[] = Object.freeze(
  TEAM_NAMES.map(([name, departmentId, lead]) => {
    const department = FAKE_DEPARTMENTS.find((d) => d.id === departmentId)!;
    return { id: `team-${slug(name)}`, name, department: { id: department.id, name: department.name }, lead: { name: lead, email: `${lead.split(' ')[0].toLowerCase()}@fake.example.com` } };
  }),
);

/** Ocean's default project count. */
export const FAKE_PROJECT_COUNT = 40;

const STATUSES: readonly FakeProjectStatus[] = ['active', 'completed', 'pending'];
const CODENAMES = ['Aurora', 'Basalt', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Indigo', 'Juniper'];

/** Project `n` (1-based): its name, status and team follow from `n` alone. */
function fakeProject(n: number): FakeProject {
  const team = FAKE_TEAMS[(n - 1) % FAKE_TEAMS.length];
  const name = `${CODENAMES[(n - 1) % CODENAMES.length]} ${Math.ceil(n / CODENAMES.length)}`;
  return {
    id: `project-${String(n).padStart(2, '0')}`,
    name,
    status: STATUSES[(n * 7) % STATUSES.length],
    description: `${name} is run by the ${team.name} team.`,
    team: { id: team.id, name: team.name },
  };
}

/** Fresh copies, so that nothing downstream can alter the constants. */
export const fakeOffices = (): FakeOffice[] => structuredClone(FAKE_OFFICES as FakeOffice[]);
export const fakeTeams = (): FakeTeam[] => structuredClone(FAKE_TEAMS as FakeTeam[]);
export const fakeProjects = (): FakeProject[] => Array.from({ length: FAKE_PROJECT_COUNT }, (_, i) => fakeProject(i + 1));

/** Offices, teams and projects together: what every resync writes besides departments and persons. */
export const FAKE_ORGANISATION_ENTITIES = FAKE_OFFICES.length + FAKE_TEAMS.length + FAKE_PROJECT_COUNT;
