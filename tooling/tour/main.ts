// Placeholder tour, replaced as transports land.
console.log('flowkit tour: nothing to show yet');
