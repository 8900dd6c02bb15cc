import {describe, expect, it} from 'vitest';
import {indexes} from '../../source/checklist/evaluators/indexes.js';
import {useLocalSession} from './session-harness.js';

describe('indexes for query patterns, through the local server', () => {
	const local = useLocalSession();

	it('is open for a foreign key without an index', async () => {
		await local.session.migrate(
			'create_orders',
			`create table public.customers (id int primary key);
create table public.orders (id int primary key, customer_id int references public.customers (id), status text not null);`,
		);
		const result = await indexes(local.session.events, local.server.evidence);
		expect(result).toEqual({state: 'open', evidence: 'public.orders: foreign key orders_customer_id_fkey has no index'});
	});

	it('ticks once the foreign key has an index', async () => {
		await local.session.migrate('index_orders_customer', 'create index orders_customer_id_idx on public.orders (customer_id);');
		const result = await indexes(local.session.events, local.server.evidence);
		expect(result).toEqual({state: 'done', evidence: 'every foreign key has an index; no EXPLAIN ran yet, so no plan shows a sequential scan'});
	});

	it('does not mind a sequential scan on a small table', async () => {
		await local.session.sql(
			"insert into public.customers select g from generate_series(1, 50) g; insert into public.orders select g, 1 + g % 50, 'open' from generate_series(1, 50) g",
		);
		await local.session.sql("explain select id from public.orders where status = 'paid'");
		expect((await indexes(local.session.events, local.server.evidence)).state).toBe('done');
	});

	it('unticks when an EXPLAIN shows a sequential scan on a table of more than 1,000 rows', async () => {
		await local.session.sql(
			"insert into public.orders select g, 1 + g % 50, case when g % 100 = 0 then 'paid' else 'open' end from generate_series(51, 5000) g; analyze public.orders",
		);
		const plan = await local.session.sql("explain select id from public.orders where status = 'paid'");
		expect(plan).toContain('Seq Scan on orders');
		const result = await indexes(local.session.events, local.server.evidence);
		expect(result.state).toBe('open');
		expect(result.evidence).toBe("sequential scan on public.orders (over 1,000 rows) in explain select id from public.orders where status = 'paid'");
	});

	it('asks for a new EXPLAIN after an index is added, and ticks when the new plan uses it', async () => {
		await local.session.migrate('index_orders_status', 'create index orders_status_idx on public.orders (status);');
		const stale = await indexes(local.session.events, local.server.evidence);
		expect(stale.state).toBe('open');
		expect(stale.evidence).toMatch(/planned before the last change to the table: run EXPLAIN again/);
		const plan = await local.session.sql("explain select id from public.orders where status = 'cancelled'");
		expect(plan).not.toContain('Seq Scan');
		const result = await indexes(local.session.events, local.server.evidence);
		expect(result).toEqual({
			state: 'done',
			evidence: 'every foreign key has an index; the EXPLAIN plans of 1 query show no sequential scan on a table over 1,000 rows',
		});
	});
});
