console.log("storefront");
