export const floorActivities = {
  async noop(): Promise<void> {
    // nothing: the floor measures Temporal's own cost of scheduling and completing an activity
  },
};
export type FloorActivities = typeof floorActivities;
