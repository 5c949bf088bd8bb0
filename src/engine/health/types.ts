/** kstatus' statuses, spelled as kstatus spells them so messages match what Flux users know. */
export type HealthStatus = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

export type HealthResult = { status: HealthStatus; message: string };
