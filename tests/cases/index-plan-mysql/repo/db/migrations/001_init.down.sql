DROP TABLE pay, items, orders, users;
