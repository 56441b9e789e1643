export const deliverMailWorkflowType = 'deliverMailWorkflow';
export const deliverMailWorkflowId = (messageId: string): string => `mail-${messageId}`;
