/**
 * The failure type of an update refused while a process's run hands over to the next
 * (continue-as-new). The API tries again; it is not an error code, so clients never see it.
 */
export const handingOverFailureType = 'handing_over';
